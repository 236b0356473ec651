using Bpdp.Cli.Commands;
using Bpdp.Contracts;

namespace Bpdp.UnitTests.Cli;

public sealed class StatusViewTests
{
    private static readonly DeploymentStatus Held = new(Guid.Parse("7d1c3c1e-3f7a-4a55-9a53-0c2a1f6b9e11"), true, "AwaitingApproval",
        new DeploymentTarget("osha", "production", "haz-fast", "1.1.0"), [], null, null, RefusedMessages: 2, LateEvents: 1);

    [Fact]
    public void The_line_says_how_many_messages_were_refused_and_where_to_read_them()
    {
        Assert.Equal("7d1c3c1e-3f7a-4a55-9a53-0c2a1f6b9e11: haz-fast 1.1.0 → osha/production: AwaitingApproval; 2 message(s) refused (MessageRefused in the ledger)",
            StatusView.Line(Held));
    }

    [Fact]
    public void The_json_carries_the_refused_and_late_counts()
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(StatusView.Json(Held))!;
        Assert.Equal((2, 1), (json["refusedMessages"]!.GetValue<int>(), json["lateEvents"]!.GetValue<int>()));
    }

    [Fact]
    public void A_paused_deployment_says_what_it_waits_for_until_when_and_its_measured_kpis()
    {
        var until = DateTimeOffset.UtcNow.AddMinutes(30).AddSeconds(5);
        var paused = Held with
        {
            State = "Paused",
            RefusedMessages = 0,
            WaitingFor = "a manual promotion (deploy.promotion: manual)",
            DeadlineAt = until,
            Kpis =
            [
                new KpiSummary(AnalysisPhase.PrePromotion, "error-rate", 4, 0, 0.002, 0.004, 0.01, null, false),
                new KpiSummary(AnalysisPhase.PrePromotion, "intake-p95", 4, 4, 3.5, 3.5, null, "result < 2.0", true),
            ],
        };

        var line = StatusView.Line(paused);

        Assert.Contains($"Paused; waiting for a manual promotion (deploy.promotion: manual) — rolled back at {until:u} (30 min", line, StringComparison.Ordinal);
        Assert.EndsWith("; KPIs: pre error-rate 4 measured, 0 failed, last 0.002 (≤ 0.01), pre intake-p95 4 measured, 4 failed, last 3.5 (result < 2.0, dry run)", line, StringComparison.Ordinal);
        var json = System.Text.Json.Nodes.JsonNode.Parse(StatusView.Json(paused))!;
        Assert.Equal(("a manual promotion (deploy.promotion: manual)", 2, "result < 2.0"),
            (json["waitingFor"]!.GetValue<string>(), json["kpis"]!.AsArray().Count, json["kpis"]![1]!["condition"]!.GetValue<string>()));
    }
}
