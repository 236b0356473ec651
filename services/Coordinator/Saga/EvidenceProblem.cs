using Bpdp.Contracts;

namespace Bpdp.Coordinator.Saga;

/// <summary>Why an event's claim does not agree with what the deployment already holds.</summary>
/// <param name="Reason">The kind of evidence that failed.</param>
/// <param name="Detail">What exactly differs, for the ledger and the operator.</param>
public sealed record EvidenceProblem(RefusalReason Reason, string Detail);
