using System.Text.Json.Nodes;
using Bpdp.Cli;
using Bpdp.Testing;

namespace Bpdp.IntegrationTests.Demo;

/// <summary>The README's main command: `bpdp demo` runs the whole pipeline in one process, with no servers, and says what happened.</summary>
public sealed class DemoTests : IDisposable
{
    private readonly string workdir = Directory.CreateTempSubdirectory("bpdp-demo-test-").FullName;

    public void Dispose() => Directory.Delete(workdir, recursive: true);

    [Fact]
    public async Task The_demo_deploys_two_versions_rolls_back_the_faulty_one_without_failing_a_user_and_verifies_the_ledger()
    {
        using var output = new StringWriter();
        using var progress = new StringWriter();

        var exit = await BpdpCli.Run(["demo", "--workdir", workdir, "--output", "json", "--examples", Path.Combine(RepositoryRoot.Path, "examples", "haz-fast")], output, progress);

        Assert.True(exit == 0, progress.ToString());
        var summary = JsonNode.Parse(output.ToString())!;
        var deployments = summary["deployments"]!.AsArray();
        Assert.Equal(["DeploymentCompleted", "DeploymentCompleted", "DeploymentRolledBack"], deployments.Select(d => d!["final"]!.GetValue<string>()));
        Assert.All(deployments, d => Assert.Equal(0, d!["requestsFailed"]!.GetValue<long>()));
        Assert.True(deployments[2]!["requestsSent"]!.GetValue<long>() > 0, "users were calling the service while 1.0.1 was tried");
        Assert.Contains(deployments[2]!["kpis"]!.AsArray(), k => k!["metric"]!.GetValue<string>() == "error-rate" && k["outcome"]!.GetValue<string>() == "Failed");
        Assert.True(summary["ledger"]!["chainValid"]!.GetValue<bool>());
        Assert.Contains("live service answers version 1.1.0 after the rollback", progress.ToString(), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(workdir, "ledger.db")));
        Assert.True(File.Exists(Path.Combine(workdir, "images", "osha", "haz-fast", "index.json")));
        Assert.True(summary["ledger"]!["checkpoints"]!.GetValue<int>() >= 1);

        using var verified = new StringWriter();
        Assert.Equal(0, await BpdpCli.Run(["ledger", "verify", "--workdir", workdir], verified, progress));
        Assert.StartsWith($"valid: {summary["ledger"]!["entries"]} entries", verified.ToString(), StringComparison.Ordinal);
        using var exported = new StringWriter();
        Assert.Equal(0, await BpdpCli.Run(["ledger", "export", "--workdir", workdir], exported, progress));
        var lines = exported.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(summary["ledger"]!["entries"]!.GetValue<long>(), lines.Length);
        Assert.Contains(lines, l => l.Contains("\"messageType\":\"DeploymentRolledBack\"", StringComparison.Ordinal));
    }
}
