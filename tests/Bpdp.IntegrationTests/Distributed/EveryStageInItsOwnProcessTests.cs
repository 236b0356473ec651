using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Bpdp.Contracts;
using Bpdp.Images;
using Bpdp.Images.Layout;
using Bpdp.Images.Registry;
using Bpdp.IntegrationTests.Bus;
using Bpdp.IntegrationTests.Images;
using Bpdp.IntegrationTests.Ledger;
using Bpdp.IntegrationTests.Notifier;
using Bpdp.IntegrationTests.Servers;
using Bpdp.Pipeline.Traffic;
using Bpdp.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bpdp.IntegrationTests.Distributed;

/// <summary>
/// The demo's three deployments with every stage in its own process — the Scanner in two — on the real RabbitMQ,
/// PostgreSQL (sagas and ledger), registry and Prometheus (which finds the executors through the Rollout's
/// file_sd files): 1.0.0 and 1.1.0 go live, the faulty 1.0.1 is rolled back by its gate while users call the
/// live service; the releases are tagged and signed in the registry, the ledger chain verifies, the users saw
/// no failed request, both Scanners took work and no image was scanned twice. The Notifier, in a process of its own
/// with a PostgreSQL store, tells a signed webhook and a real SMTP server of each outcome and of the failed gate exactly
/// once — a redelivered event included — while a third sink that never answers holds every attempt open throughout.
/// </summary>
[Collection(RealServersCollection.Name)]
public sealed class EveryStageInItsOwnProcessTests(RealServers servers) : IAsyncLifetime
{
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-stages-").FullName;
    private readonly string run = Guid.NewGuid().ToString("N")[..8];
    private readonly MessageSink sink = new();
    private readonly List<IAsyncDisposable> disposables = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var disposable in Enumerable.Reverse(disposables))
        {
            await disposable.DisposeAsync();
        }

        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Three_deployments_through_every_stage_in_its_own_process_with_two_scanners()
    {
        var rabbit = await servers.RabbitMq();
        var registry = await servers.Registry();
        var prometheus = await servers.Prometheus();
        var ledger = await LedgerDatabase.Create(await servers.Postgres());
        disposables.Add(ledger);
        using var approvals = new ApprovalSigning();
        var environment = $"e2e-{run}";
        var settings = await Settings(rabbit, registry, prometheus, ledger, approvals);
        var hook = await WebhookReceiver.Start();
        var slow = await WebhookReceiver.Start();
        slow.Hang = true;
        var mail = await SmtpReceiver.Start();
        disposables.AddRange([hook, slow, mail]);
        var secret = Path.Combine(folder, "hook.secret");
        await File.WriteAllTextAsync(secret, "hook-secret-" + run);
        foreach (var (key, value) in NotifierRoutes(environment, hook, slow, mail, secret))
        {
            settings[key] = value;
        }

        var queues = new[] { "Builder", "Scanner", "Publisher", "Rollout", "KpiGate", "Ledger", "Coordinator", "Notifier" }.Select(s => settings[$"{s}:Queue"]!).ToList();
        var probes = TestHost.Build(rabbit.ServiceSettings(), bus => queues.AddRange(bus.AddPipelineProbes($"e2e-{run}")), sink);
        disposables.Add(new QueueCleanup(rabbit, [.. queues]));
        disposables.Add(probes);
        await probes.StartAsync();

        var stages = new Dictionary<string, ServiceProcess>();
        foreach (var (name, project) in new[] { ("ledger", "Ledger"), ("coordinator", "Coordinator"), ("builder", "Builder"), ("scanner-1", "Scanner"), ("scanner-2", "Scanner"),
            ("publisher", "Publisher"), ("rollout", "Rollout"), ("kpi-gate", "KpiGate"), ("notifier", "Notifier") })
        {
            stages[name] = await ServiceProcess.StartFromOwnOutput($"services/{project}", $"Bpdp.{project}.dll", FreeTcpPort.Next(), settings);
            disposables.Add(stages[name]);
        }

        string Logs() => string.Join("\n", stages.Select(s => $"--- {s.Key} ---\n{s.Value.Log}"));

        // Users call the live service from its first cutover on: a post-promotion gate without traffic never passes.
        var live = Task.Run(async () => new Uri((await sink.WaitFor<TrafficCutOver>(nameof(PipelineEvents.CutOver), _ => true, TimeSpan.FromSeconds(180))).Message.LiveEndpoint!));
        var arriving = Task.Run(async () =>
        {
            var users = new SteadyLoad(await live, perSecond: 25);
            users.Start();
            return users;
        });
        var v100 = await Deploy(probes.Services, approvals, "v1.0.0.yaml", environment, Logs);
        Assert.True(v100.Completed, $"1.0.0 did not go live\n{Logs()}");

        await using (var users = await arriving)
        {
            var v110 = await Deploy(probes.Services, approvals, "v1.1.0.yaml", environment, Logs);
            Assert.True(v110.Completed, $"1.1.0 did not go live\n{Logs()}");
            var v101 = await Deploy(probes.Services, approvals, "v1.0.1.yaml", environment, Logs);
            Assert.False(v101.Completed, $"the faulty 1.0.1 went live\n{Logs()}");
            var breach = Assert.Single(sink.Of<PipelineEvents.Breached, KpiFailed>(v101.Id));
            Assert.Contains(breach.Measurements, m => m.Outcome == MeasurementOutcome.Failed);
            Assert.Equal(Color.Green, Assert.Single(sink.Of<PipelineEvents.Back, RolledBack>(v101.Id)).LiveColor);
            using (var http = new HttpClient())
            {
                Assert.Equal("1.1.0", (await http.GetFromJsonAsync<JsonObject>(new Uri(await live, "v1/policy")))!["version"]!.GetValue<string>());
            }

            await users.Stop();
            Assert.True(users.Sent > 50, $"users sent only {users.Sent} requests");
            Assert.Equal(0, users.Failed);

            foreach (var (version, id) in new[] { ("1.0.0", v100.Id), ("1.1.0", v110.Id), ("1.0.1", v101.Id) })
            {
                var scanned = Assert.Single(sink.Of<PipelineEvents.Scanned, ImageScanned>(id));
                Assert.True(scanned.Passed);
                await ReleasedAndSigned(registry, $"e2e-{run}/osha/haz-fast", version, scanned.Image.Digest);
            }

            Assert.Equal("Live", await State(rabbit, v110.Id));
            Assert.Equal("RolledBack", await State(rabbit, v101.Id));
            await Notified(probes.Services, stages["notifier"], hook, slow, mail, v100.Id, v110.Id, v101.Id, Logs);
            await ConsoleStartedLateShowsEverything(settings, stages, v100.Id, v110.Id, v101.Id);
        }

        var scans = new[] { await ImagesScanned(stages["scanner-1"]), await ImagesScanned(stages["scanner-2"]) };
        Assert.Equal(3, scans.Sum());
        Assert.All(scans, n => Assert.True(n >= 1, $"a Scanner took no work: {string.Join(", ", scans)}\n{Logs()}"));

        var (exit, verdict, errors) = await CliProcess.Run(settings, "ledger", "verify", "--postgres", ledger.ServiceConnectionString, "--schema", ledger.Schema,
            "--public-key", Path.Combine(folder, "ledger.pub.pem"), "--output", "json");
        Assert.True(exit == 0, $"ledger verify exited {exit}: {errors}\n{verdict}");
        var chain = JsonNode.Parse(verdict)!;
        Assert.True(chain["valid"]!.GetValue<bool>(), verdict);
        Assert.True(chain["entries"]!.GetValue<long>() >= 30, verdict);
    }

    private sealed record Outcome(Guid Id, bool Completed);

    /// <summary>Publishes a signed approval of the example and waits for its terminal event.</summary>
    private async Task<Outcome> Deploy(IServiceProvider probes, ApprovalSigning approvals, string example, string environment, Func<string> logs)
    {
        var yaml = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "examples", "haz-fast", example));
        var approval = approvals.Approve(yaml, environment: environment);
        await probes.GetRequiredService<IPublishEndpoint>().Publish(approval);
        var terminal = () => sink.Of<PipelineEvents.Completed, DeploymentCompleted>(approval.DeploymentId).Count
            + sink.Of<PipelineEvents.RolledBackInFull, DeploymentRolledBack>(approval.DeploymentId).Count
            + sink.Of<PipelineEvents.Rejected, DeploymentRejected>(approval.DeploymentId).Count
            + sink.Of<PipelineEvents.Failed, DeploymentFailed>(approval.DeploymentId).Count(f => f.Stage == PipelineStage.Coordinator);
        try
        {
            await Eventually.Holds(() => Task.FromResult(terminal() > 0), $"{example} reached a terminal state", TimeSpan.FromSeconds(180));
        }
        catch (TimeoutException timeout)
        {
            throw new TimeoutException($"{timeout.Message}\n{logs()}", timeout);
        }

        var failed = sink.Of<PipelineEvents.Failed, DeploymentFailed>(approval.DeploymentId);
        Assert.True(failed.Count == 0, $"{example} failed: {string.Join("; ", failed.Select(f => $"{f.Stage}: {f.Reason}"))}\n{logs()}");
        return new Outcome(approval.DeploymentId, sink.Of<PipelineEvents.Completed, DeploymentCompleted>(approval.DeploymentId).Count > 0);
    }

    private Task<Dictionary<string, string?>> Settings(RabbitMqServer rabbit, string registry, PrometheusServer prometheus, LedgerDatabase ledger, ApprovalSigning approvals) =>
        StageSettings.Write(folder, run, rabbit, registry, prometheus, ledger, approvals, servers.Postgres());

    /// <summary>The version tag points at the scanned digest, and cosign's signature tag of that digest exists.</summary>
    private static async Task ReleasedAndSigned(string registry, string repository, string version, string digest)
    {
        var tagged = JsonNode.Parse(await Tool.Run("skopeo", "inspect", "--tls-verify=false", $"docker://{registry}/{repository}:{version}"))!;
        Assert.Equal(digest, tagged["Digest"]!.GetValue<string>());
        var signature = JsonNode.Parse(await Tool.Run("skopeo", "inspect", "--raw", "--tls-verify=false", $"docker://{registry}/{repository}:sha256-{digest[7..]}.sig"))!;
        Assert.Equal("application/vnd.dev.cosign.simplesigning.v1+json", signature["layers"]![0]!["mediaType"]!.GetValue<string>());
    }

    private async Task<string> State(RabbitMqServer rabbit, Guid id)
    {
        var (exit, output, errors) = await CliProcess.Run(rabbit.ServiceSettings(), "status", id.ToString(), "--coordinator-queue", $"coordinator-{run}",
            "--rollout-queue", $"rollout-{run}", "--output", "json");
        Assert.True(exit == 0, $"bpdp status exited {exit}: {errors}");
        return JsonNode.Parse(output)!["state"]!.GetValue<string>();
    }

    /// <summary>The built images a Scanner process consumed successfully, from its own metrics.</summary>
    private static Task<double> ImagesScanned(ServiceProcess scanner) => Consumed(scanner, nameof(ImageBuilt));

    /// <summary>The messages of one type a stage's process consumed successfully, from its own metrics.</summary>
    private static async Task<double> Consumed(ServiceProcess stage, string messageType)
    {
        using var http = new HttpClient { BaseAddress = stage.HttpAddress };
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        return metrics.Split('\n')
            .Where(l => l.StartsWith("bpdp_messages_consumed_total{", StringComparison.Ordinal) && l.Contains($"message=\"{messageType}\"", StringComparison.Ordinal)
                && l.Contains("outcome=\"ok\"", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// The console in a process of its own, started after the three deployments: it reads them from the Ledger's API
    /// (over HTTP, from PostgreSQL), shows their outcomes to a signed-in viewer, and says the chain verifies.
    /// </summary>
    private async Task ConsoleStartedLateShowsEverything(Dictionary<string, string?> settings, Dictionary<string, ServiceProcess> stages, Guid v100, Guid v110, Guid v101)
    {
        var hash = Path.Combine(folder, "viewer.hash");
        await File.WriteAllTextAsync(hash, Bpdp.WebConsole.Auth.LocalSignIn.Hash("viewer-password-" + run));
        var consoleSettings = new Dictionary<string, string?>(settings)
        {
            ["Console:LedgerUrl"] = stages["ledger"].HttpAddress.ToString(),
            ["Console:NotifierUrl"] = stages["notifier"].HttpAddress.ToString(),
            ["Console:Accounts:viewer:PasswordHashFile"] = hash,
        };
        var console = await ServiceProcess.StartFromOwnOutput("services/Console", "Bpdp.Console.dll", FreeTcpPort.Next(), consoleSettings);
        disposables.Add(console);
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new System.Net.CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = console.HttpAddress };
        using var login = await http.PostAsync(new Uri("/login", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["name"] = "viewer",
            ["password"] = "viewer-password-" + run,
            ["returnUrl"] = "/",
        }));
        Assert.Equal(("/", System.Net.HttpStatusCode.Redirect), (login.Headers.Location?.ToString(), login.StatusCode));
        JsonArray listed = [];
        await Eventually.Holds(async () =>
        {
            listed = (await http.GetFromJsonAsync<JsonArray>(new Uri("/api/deployments", UriKind.Relative)))!;
            return listed.Count == 3 && listed.All(d => d!["outcome"] is not null);
        }, "the console read the three deployments from the ledger");
        Assert.Equal(new[] { ($"{v100}", "Live"), ($"{v110}", "Live"), ($"{v101}", "RolledBack") }.Order(),
            listed.Select(d => (d!["id"]!.GetValue<string>(), d["outcome"]!.GetValue<string>())).Order());
        var ledger = (await http.GetFromJsonAsync<JsonObject>(new Uri("/api/ledger", UriKind.Relative)))!;
        Assert.True(ledger["verification"]!["valid"]!.GetValue<bool>(), ledger.ToJsonString());
        using var health = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
    }

    private static Dictionary<string, string?> NotifierRoutes(string environment, WebhookReceiver hook, WebhookReceiver slow, SmtpReceiver mail, string secret) => new()
    {
        ["Notifier:ConsoleUrl"] = "http://console.test:8088/",
        ["Notifier:PollMilliseconds"] = "200",
        ["Notifier:TimeoutSeconds"] = "300",
        ["Notifier:Routes:0:Name"] = "osha-oncall",
        ["Notifier:Routes:0:Agency"] = "osha",
        ["Notifier:Routes:0:Environment"] = environment,
        ["Notifier:Routes:0:Triggers:0"] = "KpiFailed",
        ["Notifier:Routes:0:Triggers:1"] = "DeploymentRolledBack",
        ["Notifier:Routes:0:Triggers:2"] = "DeploymentCompleted",
        ["Notifier:Routes:0:Sinks:0"] = "hook",
        ["Notifier:Routes:0:Sinks:1"] = "mail",
        ["Notifier:Routes:0:Sinks:2"] = "slow",
        ["Notifier:Sinks:hook:Kind"] = "Webhook",
        ["Notifier:Sinks:hook:Url"] = new Uri(hook.Address, "hook").ToString(),
        ["Notifier:Sinks:hook:SecretFile"] = secret,
        ["Notifier:Sinks:slow:Kind"] = "Webhook",
        ["Notifier:Sinks:slow:Url"] = new Uri(slow.Address, "slow").ToString(),
        ["Notifier:Sinks:slow:SecretFile"] = secret,
        ["Notifier:Sinks:mail:Kind"] = "Email",
        ["Notifier:Sinks:mail:Host"] = "127.0.0.1",
        ["Notifier:Sinks:mail:Port"] = mail.Port.ToString(CultureInfo.InvariantCulture),
        ["Notifier:Sinks:mail:Security"] = "None",
        ["Notifier:Sinks:mail:From"] = "bpdp@pipeline.example",
        ["Notifier:Sinks:mail:To:0"] = "oncall@osha.example",
    };

    /// <summary>
    /// Each outcome and the failed gate reached the webhook (signed) and the mailbox once, a redelivered completion added
    /// nothing, and the sink that never answers holds all four attempts open: the deployments did not wait for it.
    /// </summary>
    private async Task Notified(IServiceProvider probes, ServiceProcess notifier, WebhookReceiver hook, WebhookReceiver slow, SmtpReceiver mail,
        Guid v100, Guid v110, Guid v101, Func<string> logs)
    {
        try
        {
            await Eventually.Holds(() => Task.FromResult(hook.Requests.Count == 4 && mail.Messages.Count == 4 && slow.Hanging == 4),
                "the webhook and the mailbox have four notifications and the silent sink holds four", TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException timeout)
        {
            throw new TimeoutException($"{timeout.Message} (webhook {hook.Requests.Count}, mail {mail.Messages.Count}, silent {slow.Hanging})\n{logs()}", timeout);
        }

        var completed = sink.Of<PipelineEvents.Completed, DeploymentCompleted>(v110).Single();
        await probes.GetRequiredService<IPublishEndpoint>().Publish(completed);
        await Eventually.Holds(async () => await Consumed(notifier, nameof(DeploymentCompleted)) == 3, "the Notifier consumed the completion again");

        var secret = System.Text.Encoding.UTF8.GetBytes("hook-secret-" + run);
        Assert.Equal(4, hook.Requests.Count);
        Assert.All(hook.Requests, r => Assert.True(Bpdp.Notifier.Sinks.WebhookSignature.Verify(r.Body, secret, r.Headers["X-Bpdp-Signature"])));
        var events = hook.Requests.Select(r => JsonNode.Parse(r.Text)!).ToList();
        Assert.Equal(
            new[] { ($"{v100}", "DeploymentCompleted"), ($"{v110}", "DeploymentCompleted"), ($"{v101}", "DeploymentRolledBack"), ($"{v101}", "KpiFailed") }.Order(),
            events.Select(e => (e["deploymentId"]!.GetValue<string>(), e["trigger"]!.GetValue<string>())).Order());
        var rolledBack = events.Single(e => e["trigger"]!.GetValue<string>() == "DeploymentRolledBack");
        Assert.Contains(rolledBack["measurements"]!.AsArray(), m => m!["outcome"]!.GetValue<string>() == "Failed");
        Assert.Contains(rolledBack["details"]!.AsArray(), d => d!.GetValue<string>().Contains("measurements failed", StringComparison.Ordinal));
        Assert.Equal($"http://console.test:8088/deployments/{v101}", rolledBack["link"]!.GetValue<string>());

        Assert.Equal(4, mail.Messages.Count);
        var rollbackMail = mail.Messages.Single(m => (m.Subject ?? "").Contains("rolled back", StringComparison.Ordinal));
        Assert.StartsWith("[BPDP] haz-fast 1.0.1 on osha/", rollbackMail.Subject, StringComparison.Ordinal);
        Assert.Equal("oncall@osha.example", rollbackMail.To.Mailboxes.Single().Address);
        Assert.Contains($"In the console: http://console.test:8088/deployments/{v101}", rollbackMail.TextBody!, StringComparison.Ordinal);
        Assert.Equal(4, slow.Hanging);
        Assert.Equal(4, slow.Requests.Count);
        slow.Release();
    }
}
