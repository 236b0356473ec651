using Bpdp.Contracts;

namespace Bpdp.Cli.Demo;

/// <summary>One deployment of the demo, as it ended: what was expected and what happened, with the evidence.</summary>
public sealed record DeploymentOutcome(
    string Version,
    string Expected,
    string Final,
    TimeSpan Elapsed,
    IReadOnlyList<(string Stage, TimeSpan Duration)> Stages,
    IReadOnlyList<KpiMeasurement> Measurements,
    long RequestsSent,
    long RequestsFailed,
    string? Reason,
    TimeSpan? ApprovedToGreenReady)
{
    public bool AsExpected => Final == Expected && RequestsFailed == 0;
}
