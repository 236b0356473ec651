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
}
