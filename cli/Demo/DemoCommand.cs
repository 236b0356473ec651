using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bpdp.Ledger.Verification;

namespace Bpdp.Cli.Demo;

/// <summary>
/// <c>bpdp demo</c>: the whole pipeline in one process with no servers — three deployments of haz-fast
/// (live, live, rolled back under load) and a verified ledger. Exit code 0 only if each did what it should.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var workdir = new Option<DirectoryInfo?>("--workdir")
        {
            Description = "Keep the demo's state here (SQLite ledger, OCI image store, keys, logs) for `bpdp ledger verify|export` afterwards. Default: a temporary folder, removed.",
        };
        var output = new Option<string>("--output", "-o") { Description = "table or json (the summary).", DefaultValueFactory = _ => "table" };
        output.AcceptOnlyFromAmong("table", "json");
        var examples = new Option<DirectoryInfo?>("--examples") { Description = "The folder of the haz-fast policy versions (default: examples/haz-fast)." };
        var serve = new Option<bool>("--serve")
        {
            Description = "After the scenario, keep the pipeline and its console running (until Ctrl+C) and print the console's address and demo accounts.",
        };
        var port = new Option<int>("--port") { Description = "The HTTP port of the console and /metrics (default: a free one).", DefaultValueFactory = _ => 0 };
        var command = new Command("demo", "Run the whole pipeline in one process, no servers: deploy haz-fast 1.0.0 and 1.1.0, roll back the faulty 1.0.1 under load, verify the ledger.")
        {
            workdir, output, examples, serve, port,
        };
        command.SetAction(async (result, cancel) =>
        {
            var stdout = result.InvocationConfiguration.Output;
            var stderr = result.InvocationConfiguration.Error;
            var json = result.GetValue(output) == "json";
            var policies = result.GetValue(examples)?.FullName ?? Path.Combine("examples", "haz-fast");
            if (!File.Exists(Path.Combine(policies, "v1.0.0.yaml")))
            {
                await stderr.WriteLineAsync($"bpdp demo: no haz-fast policies in {Path.GetFullPath(policies)}: run it from the repository root, or give --examples.");
                return 2;
            }

            var keep = result.GetValue(workdir);
            var folder = keep?.FullName ?? Directory.CreateTempSubdirectory("bpdp-demo-").FullName;
            Directory.CreateDirectory(folder);
            var executor = ExecutorForDemo(out var native);
            var progress = json ? stderr : stdout;
            await progress.WriteLineAsync($"bpdp demo: every stage in one process; state in {folder}; executor: {(native ? "native " : "framework-dependent ")}{executor}");
            try
            {
                var passed = false;
                async Task Report(Microsoft.AspNetCore.Builder.WebApplication app, IReadOnlyList<DeploymentOutcome> deployments, VerificationResult ledger)
                {
                    passed = deployments.All(d => d.AsExpected) && ledger.Valid;
                    await (json
                        ? stdout.WriteLineAsync(Json(deployments, ledger, passed).ToJsonString(new JsonSerializerOptions { WriteIndented = true }))
                        : WriteTable(stdout, deployments, ledger, passed));
                    if (result.GetValue(serve))
                    {
                        await Serve(app, folder, progress, cancel);
                    }
                }

                await new DemoScenario(folder, policies, progress).Run(executor, cancel, Report,
                    new Dictionary<string, string?> { ["Service:HttpPort"] = result.GetValue(port).ToString(System.Globalization.CultureInfo.InvariantCulture) });
                return passed ? 0 : 1;
            }
            finally
            {
                if (keep is null)
                {
                    Directory.Delete(folder, recursive: true);
                }
            }
        });
        return command;
    }

    /// <summary>Keeps the pipeline up with its console until Ctrl+C, saying where the console is and how to sign in.</summary>
    private static async Task Serve(Microsoft.AspNetCore.Builder.WebApplication app, string folder, TextWriter progress, CancellationToken cancel)
    {
        var address = app.Urls.First().Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal);
        await progress.WriteLineAsync();
        await progress.WriteLineAsync($"console: {address}/ — sign in as operator (password {Bpdp.Pipeline.Embedded.DemoConsole.Password(folder, "operator")}, "
            + $"may abort and promote osha's deployments) or viewer (password {Bpdp.Pipeline.Embedded.DemoConsole.Password(folder, "viewer")}, reads only)");
        await progress.WriteLineAsync($"the pipeline keeps running (its ledger: {address}/v1/deployments); Ctrl+C stops it");
        try
        {
            await Task.Delay(Timeout.Infinite, cancel);
        }
        catch (OperationCanceledException)
        {
            await progress.WriteLineAsync("bpdp demo: stopping");
        }
    }

    /// <summary>The Native AOT executor when published (scripts/publish-executor.sh), else the framework-dependent one beside this tool.</summary>
    private static string ExecutorForDemo(out bool native)
    {
        var published = Environment.GetEnvironmentVariable("BPDP_EXECUTOR_BINARY") ?? Path.Combine("artifacts", "executor", "bpdp-executor");
        native = File.Exists(published);
        return native ? Path.GetFullPath(published) : Path.Combine(AppContext.BaseDirectory, "bpdp-executor.dll");
    }

    private static async Task WriteTable(TextWriter stdout, IReadOnlyList<DeploymentOutcome> deployments, VerificationResult ledger, bool passed)
    {
        await stdout.WriteLineAsync();
        await stdout.WriteLineAsync($"{"VERSION",-8} {"EXPECTED",-22} {"ENDED",-22} {"TIME",7} {"USERS' REQUESTS",16}  KPIs / REASON");
        foreach (var d in deployments)
        {
            var kpis = d.Reason ?? string.Join(", ", d.Measurements.GroupBy(m => m.Metric).Select(g => $"{g.Key} ≤ {g.Max(m => m.Value) ?? double.NaN:G3}"));
            await stdout.WriteLineAsync($"{d.Version,-8} {d.Expected,-22} {d.Final,-22} {d.Elapsed.TotalSeconds,6:F1}s {$"{d.RequestsSent} sent, {d.RequestsFailed} failed",16}  {kpis}");
        }

        await stdout.WriteLineAsync(
            $"ledger: {ledger.VerifiedEntries} entries, {ledger.Checkpoints} checkpoints, chain {(ledger.Valid ? "valid" : $"BROKEN at {ledger.FirstBadSequence}: {ledger.Reason}")}");
        await stdout.WriteLineAsync($"approval → green ready: {string.Join(", ", deployments.Select(d => $"{d.Version} {d.ApprovedToGreenReady?.TotalMilliseconds ?? double.NaN:F0} ms"))}; " +
            $"peak memory of this process {System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64 / 1024.0 / 1024.0:F0} MiB");
        await stdout.WriteLineAsync(passed ? "demo: every step did what it should" : "demo: FAILED — a step did not do what it should (see above and the log)");
    }

    private static JsonObject Json(IReadOnlyList<DeploymentOutcome> deployments, VerificationResult ledger, bool passed) => new()
    {
        ["passed"] = passed,
        ["deployments"] = new JsonArray([.. deployments.Select(d => (JsonNode)new JsonObject
        {
            ["policy"] = "haz-fast",
            ["version"] = d.Version,
            ["expected"] = d.Expected,
            ["final"] = d.Final,
            ["seconds"] = Math.Round(d.Elapsed.TotalSeconds, 2),
            ["reason"] = d.Reason,
            ["stages"] = new JsonArray([.. d.Stages.Select(s => (JsonNode)new JsonObject { ["event"] = s.Stage, ["afterMs"] = Math.Round(s.Duration.TotalMilliseconds, 1) })]),
            ["kpis"] = new JsonArray([.. d.Measurements.Select(m => (JsonNode)new JsonObject
            {
                ["metric"] = m.Metric,
                ["value"] = m.Value,
                ["threshold"] = m.Threshold,
                ["outcome"] = m.Outcome.ToString(),
            })]),
            ["approvedToGreenReadyMs"] = d.ApprovedToGreenReady is { } ready ? Math.Round(ready.TotalMilliseconds, 1) : null,
            ["requestsSent"] = d.RequestsSent,
            ["requestsFailed"] = d.RequestsFailed,
        })]),
        ["ledger"] = new JsonObject { ["entries"] = ledger.VerifiedEntries, ["checkpoints"] = ledger.Checkpoints, ["chainValid"] = ledger.Valid, ["problem"] = ledger.Reason },
        ["peakMemoryMiB"] = Math.Round(System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64 / 1024.0 / 1024.0, 1),
    };
}
