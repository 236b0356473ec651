using Bpdp.Contracts;
using Bpdp.KpiGate.Analysis;
using Bpdp.Policy.Model;

namespace Bpdp.KpiGate.Runs;

/// <summary>
/// What one run measures and how long, from the approved policy: its analysis settings and soak (capped only by the
/// test-and-demo caps), its metrics with thresholds no looser than the environment's floor.
/// </summary>
public sealed record AnalysisPlan(DeploySettings Deploy, IReadOnlyList<MetricSpec> Metrics, int Count)
{
    /// <summary>
    /// Smoke requests a second during this gate: the policy's <c>smokeTrafficPerSecond</c> before the cutover; after it, where real
    /// users call the service, only what <c>postPromotionSmokeTrafficPerSecond</c> asks for (a service with few users).
    /// </summary>
    public double SmokePerSecond { get; init; }

    public static AnalysisPlan For(PolicyModule module, AnalysisRequest request, KpiGateOptions options)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        var deploy = module.Deploy;
        var interval = options.MaxIntervalSeconds is { } maxInterval ? TimeSpan.FromSeconds(Math.Min(deploy.Analysis.Interval.TotalSeconds, maxInterval)) : deploy.Analysis.Interval;
        var soak = options.MaxSoakSeconds is { } maxSoak ? TimeSpan.FromSeconds(Math.Min(deploy.Soak.TotalSeconds, maxSoak)) : deploy.Soak;
        deploy = deploy with { Analysis = deploy.Analysis with { Interval = interval }, Soak = soak };
        var count = request.Phase == AnalysisPhase.PrePromotion ? deploy.Analysis.Count : Math.Max(1, (int)Math.Ceiling(soak / interval));
        var floor = options.Floors.GetValueOrDefault(request.Target.Environment) ?? options.Floors.GetValueOrDefault("*");
        var kpis = deploy.Kpis;
        if (floor is not null)
        {
            kpis = new KpiThresholds(
                Math.Min(kpis.ErrorRateMax, floor.ErrorRateMax ?? double.MaxValue),
                TimeSpan.FromSeconds(Math.Min(kpis.P95WaitTimeMax.TotalSeconds, floor.P95WaitTimeMaxSeconds ?? double.MaxValue)));
        }

        var custom = deploy.Metrics.Where(m => m.Phases.Contains(request.Phase)).Select(MetricSpec.From);
        return new AnalysisPlan(deploy with { Kpis = kpis }, [.. MetricSpec.From(kpis), .. custom], count)
        {
            SmokePerSecond = request.Phase == AnalysisPhase.PrePromotion ? deploy.SmokeTrafficPerSecond : deploy.PostPromotionSmokeTrafficPerSecond,
        };
    }
}
