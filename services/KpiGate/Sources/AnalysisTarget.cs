namespace Bpdp.KpiGate.Sources;

/// <summary>What is being judged: one version of a policy in one color, reachable at <paramref name="Endpoint"/>.</summary>
public sealed record AnalysisTarget(string Policy, string Version, string Color, Uri Endpoint, TimeSpan Interval);
