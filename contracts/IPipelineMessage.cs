namespace Bpdp.Contracts;

/// <summary>
/// Implemented by every BPDP event and command, so one consumer (the ledger) can subscribe to all of them.
/// </summary>
public interface IPipelineMessage
{
    /// <summary>The deployment this message belongs to; the coordinator saga's correlation id.</summary>
    Guid DeploymentId { get; }

    /// <summary>When the sender produced the message (UTC, ISO 8601 on the wire).</summary>
    DateTimeOffset OccurredAt { get; }
}
