using Bpdp.Contracts;

namespace Bpdp.KpiGate.Runs;

/// <summary>
/// Analysis runs as persisted state: each run, who holds it until when, and every measurement appended as it is taken.
/// A replica claims a run for a short lease and renews it while it measures; when it stops renewing, another claims it
/// and goes on from the measurements already kept. Every time is passed in, so callers decide the clock.
/// </summary>
public interface IAnalysisStore
{
    Task Keep(ApprovedPolicy approval, DateTimeOffset now, CancellationToken cancel);

    Task<ApprovedPolicy?> Approval(Guid deploymentId, CancellationToken cancel);

    /// <summary>Opens a run unless one exists (a redelivered request changes nothing); a new run stops older runs of the same place as superseded.</summary>
    /// <returns>Whether the run is new.</returns>
    Task<bool> Open(AnalysisRequest request, DateTimeOffset now, CancellationToken cancel);

    /// <summary>Claims up to <paramref name="max"/> running runs whose lease has lapsed and that are due.</summary>
    Task<IReadOnlyList<HeldRun>> Claim(string owner, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancel);

    Task<LeaseState> Renew(Guid deploymentId, AnalysisPhase phase, string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancel);

    /// <summary>Appends one round's measurements, only while <paramref name="owner"/> holds the run.</summary>
    Task<LeaseState> Append(Guid deploymentId, AnalysisPhase phase, string owner, int round, IReadOnlyList<KpiMeasurement> measurements, CancellationToken cancel);

    /// <summary>Gives the run back unfinished, to be claimed again at <paramref name="nextAt"/> (e.g. still waiting for its approval).</summary>
    Task Release(Guid deploymentId, AnalysisPhase phase, string owner, DateTimeOffset nextAt, CancellationToken cancel);

    /// <summary>Ends the run with the verdict published for it (null: none, e.g. refused).</summary>
    Task Finish(Guid deploymentId, AnalysisPhase phase, string owner, string outcome, CancellationToken cancel);

    /// <summary>Stops every running run of the deployment; says how many.</summary>
    Task<int> Stop(Guid deploymentId, string why, CancellationToken cancel);

    Task<IReadOnlyList<KpiMeasurement>> Measurements(Guid deploymentId, AnalysisPhase phase, CancellationToken cancel);
}
