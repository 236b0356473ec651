using Bpdp.Contracts;
using Bpdp.Ledger.Chain;
using Bpdp.Ledger.Storage;
using Bpdp.Platform.Bus;
using MassTransit;

namespace Bpdp.Ledger.Consumers;

/// <summary>
/// Records every pipeline message, a batch per transaction. The ledger queue is bound to the
/// <see cref="IPipelineMessage"/> exchange, which every message exchange feeds, so it sees envelopes
/// from our services and plain JSON from outside publishers alike. A body the ledger cannot canonicalise
/// is recorded as refused (see <see cref="ReceivedBody"/>) rather than failing its whole batch.
/// </summary>
public sealed class PipelineMessageBatchConsumer(ILedgerStore ledger) : IConsumer<Batch<IPipelineMessage>>
{
    private const string ContractPrefix = "urn:message:Bpdp.Contracts:";

    public async Task Consume(ConsumeContext<Batch<IPipelineMessage>> context)
    {
        // A message sent without an id gets one from its content, so its redeliveries are still recognised.
        var entries = context.Message.Select(ToEntry).ToList();
        await ledger.Append(entries, context.CancellationToken);
    }

    private static PendingEntry ToEntry(ConsumeContext<IPipelineMessage> message)
    {
        var body = message.ReceiveContext.Body.GetBytes();
        return ReceivedBody.ToEntry(
            message.MessageId ?? DeterministicIds.From(body),
            message.Message.DeploymentId,
            MessageType(message),
            message.Message.OccurredAt,
            body,
            isEnvelope: message.ReceiveContext.ContentType?.MediaType == "application/vnd.masstransit+json");
    }

    /// <summary>
    /// The concrete message type: named in the envelope, or — for a plain JSON body, which names
    /// nothing — the exchange it was published to, which is the message type's exchange.
    /// </summary>
    private static string MessageType(ConsumeContext<IPipelineMessage> message)
    {
        var named = message.SupportedMessageTypes.FirstOrDefault(t => t.StartsWith(ContractPrefix, StringComparison.Ordinal) && t != ContractPrefix + nameof(IPipelineMessage));
        if (named is not null)
        {
            return named[ContractPrefix.Length..];
        }

        if (message.ReceiveContext.TryGetPayload<RabbitMqBasicConsumeContext>(out var rabbit) && rabbit.Exchange.StartsWith("Bpdp.Contracts:", StringComparison.Ordinal))
        {
            return rabbit.Exchange["Bpdp.Contracts:".Length..];
        }

        return nameof(IPipelineMessage);
    }
}
