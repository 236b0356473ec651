namespace Bpdp.DataPlane;

/// <summary>What to run for one color: the unpacked image, its digest, and the deployment it belongs to (ordered by when it was deployed).</summary>
public sealed record ExecutorSpec(string Rootfs, string Digest, Guid DeploymentId, DateTimeOffset DeployedAt);
