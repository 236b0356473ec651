using Bpdp.Contracts;
using Bpdp.KpiGate.Analysis;
using Bpdp.KpiGate.Smoke;
using Bpdp.KpiGate.Sources;
using Bpdp.Policy;
using Bpdp.Policy.Model;
using Microsoft.Extensions.Options;

namespace Bpdp.KpiGate;

/// <summary>
/// One gate from start to verdict: read the policy from the executor being judged (its thresholds, analysis
/// settings and samples), open the KPI source, run smoke traffic when asked, and measure until the analysis
/// decides. Returns null when the analysis was stopped (aborted, superseded): nobody waits for that verdict.
/// </summary>
public sealed class GateRunner(IKpiSource source, RunningAnalyses running, IHttpClientFactory clients, IOptions<KpiGateOptions> options, TimeProvider time, ILogger<GateRunner> logger)
{
    private static DeploySettings Capped(DeploySettings deploy, KpiGateOptions options)
    {
        var interval = options.MaxIntervalSeconds is { } maxInterval ? TimeSpan.FromSeconds(Math.Min(deploy.Analysis.Interval.TotalSeconds, maxInterval)) : deploy.Analysis.Interval;
        var soak = options.MaxSoakSeconds is { } maxSoak ? TimeSpan.FromSeconds(Math.Min(deploy.Soak.TotalSeconds, maxSoak)) : deploy.Soak;
        return deploy with { Analysis = deploy.Analysis with { Interval = interval }, Soak = soak };
    }

    public async Task<IPipelineMessage?> Run(Guid deploymentId, DeploymentTarget target, AnalysisPhase phase, Color color, Uri endpoint, bool smoke, CancellationToken consumer)
    {
        ArgumentNullException.ThrowIfNull(target);
        using var handle = running.Start(deploymentId, phase, target, consumer);
        var http = clients.CreateClient(nameof(GateRunner));
        PolicyModule module;
        try
        {
            var yaml = await http.GetStringAsync(new Uri(endpoint, "v1/policy/source"), handle.Token);
            module = PolicyValidator.Validate(yaml).Policy?.Module ?? throw new InvalidDataException("the policy it serves does not validate");
        }
        catch (OperationCanceledException) when (handle.Token.IsCancellationRequested && !consumer.IsCancellationRequested)
        {
            logger.LogInformation("Deployment {DeploymentId}: {Phase} analysis stopped before it began: {Why}", deploymentId, phase, handle.StoppedBecause);
            return null;
        }
        catch (Exception error) when (error is HttpRequestException or InvalidDataException || (error is TaskCanceledException && !handle.Token.IsCancellationRequested))
        {
            return new KpiFailed(deploymentId, time.GetUtcNow(), target, phase, $"the policy could not be read from {endpoint}v1/policy/source: {error.Message}", []);
        }

        var deploy = Capped(module.Deploy, options.Value);
        var count = phase == AnalysisPhase.PrePromotion
            ? deploy.Analysis.Count
            : Math.Max(1, (int)Math.Ceiling(deploy.Soak / deploy.Analysis.Interval));
        var metrics = MetricSpec.From(deploy.Kpis);
        var analysisTarget = new AnalysisTarget(target.PolicyName, target.PolicyVersion, color.ToString().ToLowerInvariant(), endpoint, deploy.Analysis.Interval);
        logger.LogInformation("Deployment {DeploymentId}: {Phase} analysis of {Policy} {Version} ({Color}) at {Endpoint}: {Count} × {Interval} s, error rate ≤ {ErrorRate}, p95 ≤ {P95} s",
            deploymentId, phase, target.PolicyName, target.PolicyVersion, color, endpoint, count, deploy.Analysis.Interval.TotalSeconds, deploy.Kpis.ErrorRateMax,
            deploy.Kpis.P95WaitTimeMax.TotalSeconds);

        using var smokeStop = CancellationTokenSource.CreateLinkedTokenSource(handle.Token);
        var traffic = new SmokeTraffic(http, time);
        var smoking = smoke && options.Value.SmokeTraffic ? traffic.Run(endpoint, module, deploy.SmokeTrafficPerSecond, smokeStop.Token) : Task.CompletedTask;
        try
        {
            var session = await source.Open(analysisTarget, handle.Token);
            var (verdict, measurements) = await new AnalysisRun(time).Execute(session, deploy.Analysis, metrics, count,
                m => logger.LogInformation("Deployment {DeploymentId}: {Metric} = {Value} ({Outcome}, threshold {Threshold})", deploymentId, m.Metric, m.Value, m.Outcome, m.Threshold),
                handle.Token);
            logger.LogInformation("Deployment {DeploymentId}: {Phase} analysis {Result}: {Reason}; smoke traffic sent {Sent}, {Failed} failed",
                deploymentId, phase, verdict.Result, verdict.Reason, traffic.Sent, traffic.Failed);
            return verdict.Result == AnalysisResult.Successful
                ? new KpiPassed(deploymentId, time.GetUtcNow(), target, phase, measurements)
                : new KpiFailed(deploymentId, time.GetUtcNow(), target, phase, verdict.Reason, measurements);
        }
        catch (OperationCanceledException) when (handle.Token.IsCancellationRequested && !consumer.IsCancellationRequested)
        {
            logger.LogInformation("Deployment {DeploymentId}: {Phase} analysis stopped: {Why}", deploymentId, phase, handle.StoppedBecause);
            return null;
        }
        finally
        {
            await smokeStop.CancelAsync();
            await smoking;
        }
    }
}
