namespace Bpdp.Contracts;

/// <summary>
/// A stage refused to act on a message because its evidence did not hold: nothing changed. Published by the
/// refusing stage, for the ledger and for operators; a refusal never ends a deployment by itself.
/// </summary>
/// <param name="DeploymentId">The deployment the refused message names.</param>
/// <param name="OccurredAt">When the refused message was sent, as its envelope says (so a refusal repeated on redelivery is the same message); when it was refused if the envelope has no time.</param>
/// <param name="Stage">The stage that refused it.</param>
/// <param name="MessageType">The refused message's type, e.g. <c>ImagePublished</c>.</param>
/// <param name="Reason">Which kind of evidence failed.</param>
/// <param name="Detail">What exactly failed, specific enough to act on; never a secret.</param>
public sealed record MessageRefused(
    Guid DeploymentId,
    DateTimeOffset OccurredAt,
    PipelineStage Stage,
    string MessageType,
    RefusalReason Reason,
    string Detail) : IPipelineMessage;
