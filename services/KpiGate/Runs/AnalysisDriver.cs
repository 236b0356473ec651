using System.Security.Cryptography;
using System.Text;
using Bpdp.Contracts;
using Bpdp.Platform.Bus;
using Bpdp.Platform.Security;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Bpdp.KpiGate.Runs;

/// <summary>
/// Drives the runs: claims those nobody holds (new, or left by a replica that died), measures each until it decides,
/// and publishes its verdict under an id derived from the deployment and phase — so a verdict published again by a
/// replica that resumed a run just after the first one published is the same message downstream. No broker delivery
/// is held while a run measures: the consumers only open runs.
/// </summary>
public sealed class AnalysisDriver(IAnalysisStore store, HeldAnalysis analysis, RunningAnalyses running, IBus bus, IOptions<KpiGateOptions> options, TimeProvider time,
    ILogger<AnalysisDriver> logger) : BackgroundService
{
    private readonly SemaphoreSlim wake = new(0);
    private readonly string owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>This replica's name in the run table's <c>leased_by</c>.</summary>
    public string Owner => owner;

    /// <summary>Looks for work now rather than at the next poll: a consumer has just opened a run.</summary>
    public void Wake() => wake.Release();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var driving = new List<Task>();
        var lease = TimeSpan.FromSeconds(options.Value.LeaseSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            driving.RemoveAll(t => t.IsCompleted);
            var room = options.Value.MaxConcurrentAnalyses - driving.Count;
            try
            {
                if (room > 0)
                {
                    foreach (var run in await store.Claim(owner, time.GetUtcNow(), lease, room, stoppingToken))
                    {
                        // Its lease lapsed while this replica still measures it (a long pause): the claim only renewed it.
                        if (!running.IsRunning(run.Request.DeploymentId, run.Request.Phase))
                        {
                            driving.Add(Drive(run, stoppingToken));
                        }
                    }
                }
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                logger.LogWarning("The analysis store could not be read ({Error}); trying again in {Poll} ms", error.Message, options.Value.PollMilliseconds);
            }

            try
            {
                await wake.WaitAsync(TimeSpan.FromMilliseconds(options.Value.PollMilliseconds), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await Task.WhenAll(driving);
    }

    private async Task Drive(HeldRun run, CancellationToken stopping)
    {
        var request = run.Request;
        try
        {
            var approval = await store.Approval(request.DeploymentId, stopping);
            var verdict = run.Claims > MaxClaims ? GaveUp(run)
                : approval is null ? await WithoutApproval(run, stopping)
                : Mismatch(approval, request) is { } mismatch ? await Refuse(request, mismatch, stopping)
                : await Measure(run, approval, stopping);
            if (verdict is not null)
            {
                await bus.PublishOnce(verdict, PipelineStage.KpiGate, request.Phase.ToString(), stopping);
                await store.Finish(request.DeploymentId, request.Phase, owner, verdict.GetType().Name, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutting down: give the run back at once, so another replica resumes it without waiting for the lease to lapse.
            await Release(request, time.GetUtcNow());
        }
        catch (Exception error)
        {
            logger.LogWarning(error, "Deployment {DeploymentId}: {Phase} analysis interrupted ({Error}); it resumes from its kept measurements (claim {Claims} of at most {Max})",
                request.DeploymentId, request.Phase, error.Message, run.Claims, MaxClaims);
            await Release(request, time.GetUtcNow() + TimeSpan.FromSeconds(options.Value.LeaseSeconds));
        }
    }

    private async Task Release(AnalysisRequest request, DateTimeOffset nextAt)
    {
        try
        {
            await store.Release(request.DeploymentId, request.Phase, owner, nextAt, CancellationToken.None);
        }
        catch (Exception error)
        {
            logger.LogWarning("Deployment {DeploymentId}: its {Phase} analysis could not be handed back ({Error}); its lease lapses instead", request.DeploymentId, request.Phase, error.Message);
        }
    }

    /// <summary>A run that keeps failing (a store or broker that breaks every round, a kept record that cannot be read) ends rather than being claimed forever.</summary>
    private const int MaxClaims = 20;

    private KpiFailed GaveUp(HeldRun run) => new(run.Request.DeploymentId, time.GetUtcNow(), run.Request.Target, run.Request.Phase,
        $"the analysis was interrupted {run.Claims - 1} times and is given up; the KpiGate's log says why each time", run.Measurements);

    private async Task<IPipelineMessage?> Measure(HeldRun run, ApprovedPolicy approval, CancellationToken stopping)
    {
        using var handle = running.Start(run.Request.DeploymentId, run.Request.Phase, stopping);
        try
        {
            return await analysis.Run(run, approval, owner, handle.Token);
        }
        catch (OperationCanceledException) when (handle.Token.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            logger.LogInformation("Deployment {DeploymentId}: {Phase} analysis stopped: {Why}", run.Request.DeploymentId, run.Request.Phase, handle.StoppedBecause);
            return null;
        }
    }

    /// <summary>The approval normally arrives long before the image is ready; a run waits for it a while, then fails rather than judge without thresholds.</summary>
    private async Task<IPipelineMessage?> WithoutApproval(HeldRun run, CancellationToken stopping)
    {
        var request = run.Request;
        var waited = time.GetUtcNow() - request.RequestedAt;
        if (waited < TimeSpan.FromSeconds(options.Value.ApprovalWaitSeconds))
        {
            await store.Release(request.DeploymentId, request.Phase, owner, time.GetUtcNow() + TimeSpan.FromSeconds(1), stopping);
            return null;
        }

        return new KpiFailed(request.DeploymentId, time.GetUtcNow(), request.Target, request.Phase,
            $"no approval of deployment {request.DeploymentId} that the KpiGate could verify arrived within {options.Value.ApprovalWaitSeconds:F0} s; " +
            "the gate judges only against the approved policy (check KpiGate:TrustedKeys)", []);
    }

    private static string? Mismatch(ApprovedPolicy approval, AnalysisRequest request)
    {
        if (approval.Target != request.Target)
        {
            return $"it names {request.Target.Agency}/{request.Target.Environment}/{request.Target.PolicyName} {request.Target.PolicyVersion}, the approval " +
                $"{approval.Target.Agency}/{approval.Target.Environment}/{approval.Target.PolicyName} {approval.Target.PolicyVersion}";
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(approval.PolicyYaml)));
        return string.Equals(hash, approval.PolicySha256, StringComparison.OrdinalIgnoreCase) ? null
            : $"the kept approved policy hashes to {hash}, not the approved {approval.PolicySha256}";
    }

    private async Task<IPipelineMessage?> Refuse(AnalysisRequest request, string detail, CancellationToken stopping)
    {
        var type = request.Phase == AnalysisPhase.PrePromotion ? nameof(GreenReady) : nameof(TrafficCutOver);
        await bus.Refuse(logger, new MessageRefused(request.DeploymentId, time.GetUtcNow(), PipelineStage.KpiGate, type, RefusalReason.TargetMismatch, detail), cancel: stopping);
        await store.Finish(request.DeploymentId, request.Phase, owner, nameof(MessageRefused), CancellationToken.None);
        return null;
    }
}
