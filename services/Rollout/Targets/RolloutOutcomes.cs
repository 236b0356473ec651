using Bpdp.Contracts;

namespace Bpdp.Rollout.Targets;

/// <summary>The new color is ready: where to preview it, how many replicas answer, and how long it took.</summary>
public sealed record GreenDeployed(Color Color, Uri PreviewEndpoint, int ReadyReplicas, TimeSpan TimeToReady);

/// <summary>Live traffic is on <paramref name="Live"/>; <paramref name="Previous"/> is kept warm.</summary>
public sealed record TrafficMoved(Color Live, Color Previous, Uri LiveEndpoint, TimeSpan SwitchDuration);

/// <summary>After a rollback: the color serving live traffic, if any serves (none after a failed first deployment).</summary>
public sealed record RolledBackTo(Color? Live, TimeSpan SwitchDuration);
