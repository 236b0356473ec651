using Bpdp.Contracts;

namespace Bpdp.Rollout.Docker;

/// <summary>One color of a policy as the engine shows it.</summary>
public sealed record PolicyContainer(string Id, Color Color, string Digest, string DeploymentId, bool Running, Uri? Address, bool OnLiveAlias, DateTime Created);
