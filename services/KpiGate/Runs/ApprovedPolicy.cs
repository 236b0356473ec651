using Bpdp.Contracts;

namespace Bpdp.KpiGate.Runs;

/// <summary>A deployment's policy as its verified approval carried it: the only source of the gate's thresholds, analysis settings and samples.</summary>
public sealed record ApprovedPolicy(Guid DeploymentId, DeploymentTarget Target, string PolicyYaml, string PolicySha256, string ApproverId);
