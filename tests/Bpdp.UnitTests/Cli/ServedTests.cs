using System.Text.Json.Nodes;
using Bpdp.Cli.Commands;
using Bpdp.Contracts;

namespace Bpdp.UnitTests.Cli;

/// <summary>What <c>bpdp status</c> says serves the target: the Rollout's reading, this deployment's color named as such, or why it is not known.</summary>
public sealed class ServedTests
{
    private static readonly Guid Mine = Guid.Parse("7d1c3c1e-3f7a-4a55-9a53-0c2a1f6b9e11");
    private static readonly Guid Before = Guid.Parse("0b8f6a52-58c4-4d62-9d55-2f3b1f0c7a21");
    private static readonly DeploymentTarget Target = new("osha", "production", "haz-fast", "1.1.0");
    private static readonly string Digest = "sha256:" + new string('b', 64);

    [Fact]
    public void Live_preview_and_each_color_with_whose_it_is()
    {
        var served = new Served(new ServingNow(Target, true, Color.Green, Color.Blue, "http://127.0.0.1:40123/",
            [new ServingColor(Color.Blue, Before.ToString(), "registry:5000/osha/haz-fast@" + Digest), new ServingColor(Color.Green, Mine.ToString(), Digest)]));

        Assert.Equal($"live green at http://127.0.0.1:40123/, preview blue; blue = deployment {Before} (registry:5000/osha/haz-fast@sha256:bbbbbbbbbbbb…), "
            + "green = this deployment (sha256:bbbbbbbbbbbb…)", served.Describe(Mine));
        var json = served.Json(Mine)!;
        Assert.Equal(("Green", "Blue"), (json["live"]!.GetValue<string>(), json["preview"]!.GetValue<string>()));
        Assert.Equal([false, true], json["colors"]!.AsArray().Select(c => c!["thisDeployment"]!.GetValue<bool>()));
    }

    [Fact]
    public void A_target_that_runs_nothing_says_so()
    {
        Assert.Equal("nothing runs on the target", new Served(new ServingNow(Target, true, Colors: [])).Describe(Mine));
    }

    [Fact]
    public void A_target_that_could_not_be_read_and_a_rollout_that_did_not_answer_are_not_reported_as_serving_nothing()
    {
        Assert.Equal("not known: the Docker engine did not answer", new Served(new ServingNow(Target, false, Error: "the Docker engine did not answer")).Describe(Mine));
        Assert.Equal("not known: the Rollout did not answer", new Served(null).Describe(Mine));
        Assert.False(new Served(null).Json(Mine)!["reported"]!.GetValue<bool>());
    }

    [Fact]
    public void The_status_line_ends_with_what_serves()
    {
        var status = new DeploymentStatus(Mine, true, "Live", Target);
        var line = StatusView.Line(status, new Served(new ServingNow(Target, true, Color.Green, null, null, [new ServingColor(Color.Green, Mine.ToString(), Digest)])));
        Assert.EndsWith("; serving: live green; green = this deployment (sha256:bbbbbbbbbbbb…)", line, StringComparison.Ordinal);
        Assert.Null(JsonNode.Parse(StatusView.Json(status))!["serving"]);
    }
}
