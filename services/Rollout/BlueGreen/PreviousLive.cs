using Bpdp.Contracts;

namespace Bpdp.Rollout.BlueGreen;

/// <summary>The color that served before the last cutover, for a target that remembers it; none after a first deployment.</summary>
public sealed record PreviousLive(Color? Color);
