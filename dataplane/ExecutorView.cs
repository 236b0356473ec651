using Bpdp.Contracts;

namespace Bpdp.DataPlane;

/// <summary>An executor the data plane runs: its color, where it listens, what it runs and for which deployment; its process when it is one.</summary>
public sealed record ExecutorView(Color Color, Uri Address, string Digest, Guid DeploymentId, DateTimeOffset DeployedAt, int? ProcessId);
