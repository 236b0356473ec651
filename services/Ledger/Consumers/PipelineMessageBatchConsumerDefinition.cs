using Bpdp.Contracts;
using Bpdp.Platform.Bus.Identity;
using MassTransit;
using RabbitMQ.Client;
using Microsoft.Extensions.Options;

namespace Bpdp.Ledger.Consumers;

/// <summary>
/// Batches of up to <c>Ledger:BatchSize</c> messages, or whatever arrived within 50 ms, on the <c>Ledger:Queue</c> queue,
/// which is bound to every pipeline message's exchange (<see cref="MessageRoutes.RecordedBy"/>).
/// </summary>
public sealed class PipelineMessageBatchConsumerDefinition : ConsumerDefinition<PipelineMessageBatchConsumer>
{
    private readonly int batchSize;

    public PipelineMessageBatchConsumerDefinition(IOptions<LedgerOptions> options)
    {
        batchSize = options.Value.BatchSize;
        EndpointName = options.Value.Queue;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<PipelineMessageBatchConsumer> consumer, IRegistrationContext context)
    {
        // A batch can only fill from messages the broker has handed over.
        if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.PrefetchCount = Math.Max(rabbit.PrefetchCount, batchSize * 2);
            foreach (var type in MessageRoutes.RecordedBy(BusIdentity.Ledger))
            {
                // RabbitMQ routes a message that reaches this queue both directly and through the feed only once.
                rabbit.Bind(PipelineMessageTypes.ExchangeName(type), exchange =>
                {
                    exchange.ExchangeType = ExchangeType.Fanout;
                    exchange.Durable = true;
                    exchange.AutoDelete = false;
                });
            }
        }

        consumer.Options<BatchOptions>(batch => batch.SetMessageLimit(batchSize).SetTimeLimit(TimeSpan.FromMilliseconds(50)).SetConcurrencyLimit(2));
    }
}
