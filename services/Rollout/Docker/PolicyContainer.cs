using Bpdp.Contracts;

namespace Bpdp.Rollout.Docker;

/// <summary>One color of a policy as the engine shows it; <paramref name="DeployedAt"/> is when the Coordinator sent its DeployGreen, which orders deployments.</summary>
public sealed record PolicyContainer(string Id, Color Color, string Digest, string DeploymentId, DateTimeOffset DeployedAt, bool Running, Uri? Address, bool OnLiveAlias, DateTime Created);
