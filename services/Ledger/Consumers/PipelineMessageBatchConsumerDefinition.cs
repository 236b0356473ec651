using MassTransit;
using Microsoft.Extensions.Options;

namespace Bpdp.Ledger.Consumers;

/// <summary>Batches of up to <c>Ledger:BatchSize</c> messages, or whatever arrived within 50 ms, on the <c>Ledger:Queue</c> queue.</summary>
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
        }

        consumer.Options<BatchOptions>(batch => batch.SetMessageLimit(batchSize).SetTimeLimit(TimeSpan.FromMilliseconds(50)).SetConcurrencyLimit(2));
    }
}
