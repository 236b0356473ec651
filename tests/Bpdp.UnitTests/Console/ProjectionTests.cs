using Bpdp.Contracts;
using Bpdp.WebConsole.Board;

namespace Bpdp.UnitTests.Console;

public sealed class ProjectionTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-12-03T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly DeploymentTarget Target = new("osha", "production", "haz-fast", "1.0.1");
    private static readonly ImageReference Image = new("registry/osha/haz-fast", "sha256:" + new string('b', 64));

    [Fact]
    public void A_rolled_back_deployment_shows_its_breach_against_the_threshold_and_ends_where_its_terminal_event_says()
    {
        var board = new DeploymentBoard();
        var id = Guid.NewGuid();
        var failed = new KpiFailed(id, T0.AddSeconds(9), Target, AnalysisPhase.PrePromotion, "error-rate failed 1 of 2 measurements (limit 0)",
        [
            new KpiMeasurement(T0.AddSeconds(7), "error-rate", 0.0, 0.01, MeasurementOutcome.Successful),
            new KpiMeasurement(T0.AddSeconds(8), "error-rate", 0.0256, 0.01, MeasurementOutcome.Failed),
        ]);
        // Arriving out of order, and a late redelivery of an earlier event after the terminal one: neither moves it back.
        board.Add(Guid.NewGuid(), new DeploymentRolledBack(id, T0.AddSeconds(12), Target, "pre-promotion KPI gate failed"));
        board.Add(Guid.NewGuid(), failed);
        board.Add(Guid.NewGuid(), new ImagePublished(id, T0.AddSeconds(3), Target, Image, "1.0.1", "registry/osha/haz-fast:sha256-bbb.sig", "sbom-ref", "prov-ref"));
        board.Add(Guid.NewGuid(), new GreenReady(id, T0.AddSeconds(5), Target, Image, Color.Green, "http://127.0.0.1:1", 1, TimeSpan.FromSeconds(1)));

        var detail = board.Detail(id)!;

        Assert.Equal(("RolledBack", "RolledBack", "pre-promotion KPI gate failed", 9.0), (detail.Summary.State, detail.Summary.Outcome, detail.Summary.Reason, detail.Summary.DurationSeconds));
        Assert.Equal(["ImagePublished", "GreenReady", "KpiFailed", "DeploymentRolledBack"], detail.Stages.Select(s => s.Event));
        var series = Assert.Single(Assert.Single(detail.Gates).Metrics);
        Assert.Equal(("error-rate", 0.01, 1), (series.Metric, series.Threshold!.Value, series.Failed));
        Assert.Equal([0.0, 0.0256], series.Points.Select(p => p.Value!.Value));
        Assert.Equal(("registry/osha/haz-fast:sha256-bbb.sig", "sbom-ref", "prov-ref"), (detail.Signature, detail.Sbom, detail.Provenance));
    }

    [Fact]
    public void A_message_id_applies_once()
    {
        var board = new DeploymentBoard();
        var id = Guid.NewGuid();
        var messageId = Guid.NewGuid();
        var changes = 0;
        board.Changed += _ => changes++;

        Assert.True(board.Add(messageId, new AbortDeployment(id, T0, "jane@osha.example", "wrong version")));
        Assert.False(board.Add(messageId, new AbortDeployment(id, T0, "jane@osha.example", "wrong version")));

        Assert.Equal(1, changes);
        Assert.Equal("jane@osha.example", Assert.Single(board.Detail(id)!.Actions).RequestedBy);
    }

    [Fact]
    public void A_stage_failure_is_a_reason_and_only_the_coordinators_ends_the_deployment()
    {
        var board = new DeploymentBoard();
        var id = Guid.NewGuid();
        board.Add(Guid.NewGuid(), new ImageBuilt(id, T0, Target, Image, 1024, ["sha256:" + new string('c', 64)], TimeSpan.FromSeconds(1)));
        board.Add(Guid.NewGuid(), new DeploymentFailed(id, T0.AddSeconds(1), Target, PipelineStage.Publisher, "registry refused the push"));

        Assert.Equal(("Scanning", (string?)null, "Publisher: registry refused the push"), (board.Detail(id)!.Summary.State, board.Detail(id)!.Summary.Outcome, board.Detail(id)!.Summary.Reason));

        board.Add(Guid.NewGuid(), new DeploymentFailed(id, T0.AddSeconds(2), Target, PipelineStage.Coordinator, "the Publisher failed: registry refused the push"));

        Assert.Equal(("Failed", "Failed"), (board.Detail(id)!.Summary.State, board.Detail(id)!.Summary.Outcome));
        Assert.Equal([id], board.List().Select(d => d.Id));
    }

    [Fact]
    public void Past_its_limit_the_board_lets_go_of_the_oldest_ended_deployments_and_keeps_running_ones()
    {
        var board = new DeploymentBoard(maxDeployments: 10);
        var running = Guid.NewGuid();
        board.Add(Guid.NewGuid(), new ImageBuilt(running, T0, Target, Image, 1024, ["sha256:" + new string('c', 64)], TimeSpan.FromSeconds(1)));
        var ended = Enumerable.Range(0, 12).Select(_ => Guid.NewGuid()).ToList();
        foreach (var id in ended)
        {
            board.Add(Guid.NewGuid(), new DeploymentRolledBack(id, T0, Target, "gate failed"));
        }

        var kept = board.List().Select(d => d.Id).ToHashSet();

        Assert.Equal(10, kept.Count);
        Assert.Contains(running, kept);
        Assert.Equal(ended.Skip(3), ended.Where(kept.Contains));
    }
}
