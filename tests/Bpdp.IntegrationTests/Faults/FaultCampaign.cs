using System.Diagnostics;
using System.Text.Json.Nodes;
using Bpdp.Contracts;
using Bpdp.IntegrationTests.Distributed;
using Bpdp.IntegrationTests.Ledger;
using Bpdp.Pipeline.Traffic;
using Bpdp.Testing;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Bpdp.IntegrationTests.Faults;

/// <summary>
/// The pipeline the fault campaign breaks: every stage in its own process on servers of its own (restartable
/// with <c>scripts/services.sh</c>), users calling the live address 20 times a second from the first cutover on,
/// and a probe of every pipeline message. <see cref="Run"/> drives one scenario; <see cref="Check"/> then counts,
/// for each: terminal events per deployment, messages the ledger lost or holds twice, the chain, the users'
/// failed requests, and whether <c>bpdp status</c> says what the target serves.
/// </summary>
public sealed class FaultCampaign : IAsyncDisposable
{
    private static readonly (string Name, string Project)[] StageProjects =
    [
        ("ledger", "Ledger"), ("coordinator", "Coordinator"), ("builder", "Builder"), ("scanner", "Scanner"), ("publisher", "Publisher"), ("rollout", "Rollout"), ("kpigate", "KpiGate"),
    ];

    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-faults-").FullName;
    private readonly string run = Guid.NewGuid().ToString("N")[..8];
    private readonly MessageSink sink = new();
    private readonly ApprovalSigning approvals = new();
    private readonly Dictionary<string, ServiceProcess> stages = [];
    private readonly List<ScenarioResult> results = [];
    private ScriptedServers servers = null!;
    private LedgerDatabase ledger = null!;
    private Dictionary<string, string?> settings = null!;
    private WebApplication probes = null!;
    private volatile SteadyLoad? users;
    private Task arriving = Task.CompletedTask;
    private int deployments;

    private FaultCampaign()
    {
    }

    public ScriptedServers Servers => servers;

    public string Environment => $"faults-{run}";

    public IReadOnlyList<ScenarioResult> Results => results;

    public static async Task<FaultCampaign> Start()
    {
        var campaign = new FaultCampaign();
        await campaign.StartAll();
        return campaign;
    }

    private async Task StartAll()
    {
        servers = await ScriptedServers.Start();
        ledger = await LedgerDatabase.Create(servers.Postgres);
        settings = await StageSettings.Write(folder, run, servers.RabbitMq, servers.Registry, servers.Prometheus, ledger, approvals, Task.FromResult(servers.Postgres));
        settings["Rollout:DataPlane:StateDirectory"] = Path.Combine(folder, "dp");
        probes = TestHost.Build(servers.RabbitMq.ServiceSettings(), bus =>
        {
            bus.AddPipelineProbes($"faults-{run}");
            bus.AddConsumer<Everything>().Endpoint(e => e.Name = $"faults-{run}-everything");
        }, sink);
        await probes.StartAsync();
        foreach (var (name, _) in StageProjects)
        {
            await StartStage(name);
        }

        arriving = Task.Run(async () =>
        {
            // Users call the live address from the first cutover on: a post-promotion gate without traffic is inconclusive.
            var cutOver = await sink.WaitFor<TrafficCutOver>(nameof(PipelineEvents.CutOver), _ => true, TimeSpan.FromMinutes(10));
            var load = new SteadyLoad(new Uri(cutOver.Message.LiveEndpoint!), perSecond: 20);
            load.Start();
            users = load;
        });
    }

    private async Task StartStage(string name)
    {
        var project = StageProjects.Single(s => s.Name == name).Project;
        stages[name] = await ServiceProcess.StartFromOwnOutput($"services/{project}", $"Bpdp.{project}.dll", FreeTcpPort.Next(), settings);
    }

    /// <summary>SIGKILL, as a crash: no stop hook runs. Then the same stage is started again, as a supervisor would.</summary>
    public async Task KillAndRestart(string stage)
    {
        using (var process = Process.GetProcessById(stages[stage].ProcessId))
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        await stages[stage].DisposeAsync();
        await StartStage(stage);
    }

    /// <summary>Waits until the probe of every message saw <paramref name="messageType"/> for the deployment: the moment a fault is due.</summary>
    public async Task Seen(Guid deploymentId, string messageType)
    {
        try
        {
            await Eventually.Holds(() => Task.FromResult(Messages(deploymentId).Any(m => TypeOf(m) == messageType)), $"{messageType} of {deploymentId} was published",
                TimeSpan.FromSeconds(120));
        }
        catch (TimeoutException timeout)
        {
            throw new TimeoutException($"{timeout.Message}; it published {string.Join(", ", Messages(deploymentId).Select(TypeOf))}\n{Logs()}", timeout);
        }
    }

    /// <summary>
    /// One scenario: approvals of the next versions (alternately the rules of 1.1.0 and 1.0.0, each under a version of
    /// its own; every deployment moves live to the other color) published at once, <paramref name="fault"/> applied while they run, and their terminal events awaited.
    /// </summary>
    public async Task<ScenarioResult> Run(string name, string fault, Func<IReadOnlyList<Guid>, Task> breakIt, int concurrent = 1)
    {
        var watch = Stopwatch.StartNew();
        var (sent, failed) = (users?.Sent ?? 0, users?.Failed ?? 0);
        var approved = new List<ArtifactApproved>();
        for (var i = 0; i < concurrent; i++)
        {
            // Released versions are immutable: each deployment is a version of its own, of the example's rules.
            var example = deployments % 2 == 0 ? "1.1.0" : "1.0.0";
            var yaml = (await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "examples", "haz-fast", $"v{example}.yaml")))
                .Replace($"version: {example}", $"version: {example[..^1]}{deployments++}", StringComparison.Ordinal);
            approved.Add(approvals.Approve(yaml, environment: Environment));
        }

        var publish = probes.Services.GetRequiredService<IPublishEndpoint>();
        await Task.WhenAll(approved.Select(a => publish.Publish(a)));
        var ids = approved.Select(a => a.DeploymentId).ToList();
        await breakIt(ids);
        var outcomes = new List<string>();
        foreach (var id in ids)
        {
            outcomes.Add(await Outcome(id));
        }

        var result = new ScenarioResult(name, fault, ids, outcomes, (users?.Sent ?? 0) - sent, (users?.Failed ?? 0) - failed, watch.Elapsed)
        {
            StatusMismatches = await StatusMismatches(ids),
        };
        results.Add(result);
        return result;
    }

    private async Task<string> Outcome(Guid id)
    {
        try
        {
            await Eventually.Holds(() => Task.FromResult(Terminal(id).Count > 0), $"{id} reached a terminal state", TimeSpan.FromSeconds(300));
        }
        catch (TimeoutException timeout)
        {
            throw new TimeoutException($"{timeout.Message}; it published {string.Join(", ", Messages(id).Select(TypeOf))}\n{Logs()}", timeout);
        }

        var terminal = Terminal(id)[0];
        return TypeOf(terminal) switch
        {
            "DeploymentCompleted" => "Completed",
            "DeploymentRolledBack" => "RolledBack",
            "DeploymentRejected" => "Rejected",
            var other => terminal.TryGetMessage<DeploymentFailed>(out var failed) ? $"Failed ({failed.Message.Reason})" : other,
        };
    }

    /// <summary>The deployment's terminal events, one per message id (a redelivery of one is the same event).</summary>
    private List<ConsumeContext<IPipelineMessage>> Terminal(Guid id) =>
    [
        .. Messages(id).Where(m => TypeOf(m) is "DeploymentCompleted" or "DeploymentRolledBack" or "DeploymentRejected"
            || (TypeOf(m) == "DeploymentFailed" && m.TryGetMessage<DeploymentFailed>(out var failed) && failed.Message.Stage == PipelineStage.Coordinator))
            .DistinctBy(m => m.MessageId),
    ];

    private IEnumerable<ConsumeContext<IPipelineMessage>> Messages(Guid id) =>
        sink.ReceivedBy(nameof(Everything)).OfType<ConsumeContext<IPipelineMessage>>().Where(m => m.Message.DeploymentId == id);

    private static string TypeOf(ConsumeContext message) => message.SupportedMessageTypes.First().Split(':').Last();

    /// <summary>
    /// Counts the invariants of every scenario once the ledger has caught up (or a minute has passed): terminal events
    /// per deployment, messages seen on the bus but not in the ledger, message ids in it twice, and status against
    /// what serves. Returns whether the chain verifies.
    /// </summary>
    public async Task<bool> Check()
    {
        // Connections pooled before a PostgreSQL restart are dead.
        ledger.Owner.Clear();
        ledger.Service.Clear();
        var seen = results.SelectMany(r => r.Deployments).SelectMany(id => Messages(id)).Select(m => m.MessageId!.Value).ToHashSet();
        try
        {
            await Eventually.Holds(async () => (await Recorded()).Keys.Count(seen.Contains) == seen.Count, "the ledger recorded every message seen", TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            // Counted below as lost.
        }

        var recorded = await Recorded();
        for (var i = 0; i < results.Count; i++)
        {
            var result = results[i];
            var messages = result.Deployments.SelectMany(id => Messages(id)).Select(m => m.MessageId!.Value).Distinct().ToList();
            results[i] = result with
            {
                TerminalEvents = [.. result.Deployments.Select(id => Terminal(id).Count)],
                LedgerLost = messages.Count(id => !recorded.ContainsKey(id)),
                LedgerDuplicated = messages.Count(id => recorded.GetValueOrDefault(id) > 1),
            };
        }

        var (exit, verdict, _) = await CliProcess.Run(settings, "ledger", "verify", "--postgres", ledger.ServiceConnectionString, "--schema", ledger.Schema,
            "--public-key", Path.Combine(folder, "ledger.pub.pem"), "--output", "json");
        return exit == 0 && JsonNode.Parse(verdict)!["valid"]!.GetValue<bool>();
    }

    private async Task<Dictionary<Guid, long>> Recorded()
    {
        await using var command = ledger.Owner.CreateCommand($"SELECT message_id, count(*) FROM {ledger.Schema}.ledger_entries GROUP BY message_id");
        await using var reader = await command.ExecuteReaderAsync();
        var recorded = new Dictionary<Guid, long>();
        while (await reader.ReadAsync())
        {
            recorded[reader.GetGuid(0)] = reader.GetInt64(1);
        }

        return recorded;
    }

    /// <summary>
    /// <c>bpdp status</c> of each deployment, just after the scenario, against what the Rollout reads on the target: a
    /// deployment that did not go live serves nothing live; of those that did, the one serving live is one of them
    /// (the last one alone, when one ran).
    /// </summary>
    private async Task<int> StatusMismatches(IReadOnlyList<Guid> ids)
    {
        var statuses = new List<(string State, bool Reported, string? LiveDeployment)>();
        foreach (var id in ids)
        {
            var (exit, output, errors) = await CliProcess.Run(settings, "status", id.ToString(), "--coordinator-queue", settings["Coordinator:Queue"]!,
                "--rollout-queue", settings["Rollout:Queue"]!, "--output", "json");
            Assert.True(exit == 0, $"bpdp status {id} exited {exit}: {errors}");
            var status = JsonNode.Parse(output)!;
            var serving = status["serving"]!;
            var live = serving["colors"]!.AsArray().FirstOrDefault(c => c!["color"]!.GetValue<string>() == serving["live"]?.GetValue<string>());
            statuses.Add((status["state"]!.GetValue<string>(), serving["reported"]!.GetValue<bool>(), live?["deploymentId"]?.GetValue<string>()));
        }

        var notLiveButServing = ids.Zip(statuses).Count(p => p.Second.State != "Live" && p.Second.LiveDeployment == p.First.ToString());
        var unreported = statuses.Count(s => !s.Reported);
        var servingLive = statuses.Select(s => s.LiveDeployment).FirstOrDefault(d => d is not null);
        var liveButNotServing = statuses.Any(s => s.State == "Live") && !ids.Zip(statuses).Any(p => p.Second.State == "Live" && p.First.ToString() == servingLive) ? 1 : 0;
        return notLiveButServing + unreported + liveButNotServing;
    }

    /// <summary>The campaign's table, in the form of docs/reliability.md.</summary>
    public string Table()
    {
        var lines = new List<string>
        {
            "| scenario | fault | outcome | terminal events | ledger lost | ledger duplicated | users sent | users failed | status ≠ serving | took |",
            "|---|---|---|---|---|---|---|---|---|---|",
        };
        lines.AddRange(results.Select(r =>
            $"| {r.Name} | {r.Fault} | {string.Join(", ", r.Outcomes.GroupBy(o => o).Select(g => g.Count() > 1 ? $"{g.Count()}× {g.Key}" : g.Key))} | "
            + $"{string.Join(" ", r.TerminalEvents)} | {r.LedgerLost} | {r.LedgerDuplicated} | {r.UsersSent} | {r.UsersFailed} | {r.StatusMismatches} | {r.Took.TotalSeconds:F0} s |"));
        return string.Join('\n', lines);
    }

    public string Logs() => string.Join("\n", stages.Select(s => $"--- {s.Key} ---\n{string.Join('\n', s.Value.Log.Split('\n').TakeLast(60))}"));

    public async ValueTask DisposeAsync()
    {
        if (arriving.IsCompleted && users is not null)
        {
            await users.DisposeAsync();
        }

        await probes.StopAsync();
        await probes.DisposeAsync();
        foreach (var stage in stages.Values)
        {
            await stage.DisposeAsync();
        }

        using (var plane = new Bpdp.DataPlane.DataPlaneClient(new Bpdp.DataPlane.DataPlaneFiles(Path.Combine(folder, "dp")).Socket, TimeSpan.FromSeconds(30)))
        {
            if (await plane.Answers(CancellationToken.None))
            {
                await plane.StopAll(CancellationToken.None);
            }
        }

        await ledger.DisposeAsync();
        await servers.DisposeAsync();
        approvals.Dispose();
        NpgsqlConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }
}
