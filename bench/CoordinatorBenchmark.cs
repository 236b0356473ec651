using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Bpdp.Contracts;
using Bpdp.Coordinator;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Bpdp.Bench;

/// <summary>
/// Saga transitions per second with the PostgreSQL repository against the in-memory one, in the same
/// run and on the same in-memory transport, so the ratio is the repository's cost; and the latency of
/// one transition (event published → saga consumed it and saved its state), from which the
/// Coordinator's own share of a deployment follows (eight transitions).
/// </summary>
internal static class CoordinatorBenchmark
{
    private static readonly DeploymentTarget Target = new("osha", "production", "haz-fast", "1.1.0");
    private static readonly ImageReference Image = new("registry.example/osha/haz-fast", "sha256:" + new string('c', 64));

    private const string ApproverKeyId = "bench-approvals";
    private static readonly ECDsa ApprovalKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private static readonly (string State, Func<Guid, object> Event)[] Steps =
    [
        ("Building", Approval),
        ("Scanning", id => new ImageBuilt(id, DateTimeOffset.UtcNow, Target, Image, 1, [], TimeSpan.Zero)),
        ("Publishing", id => new ImageScanned(id, DateTimeOffset.UtcNow, Target, Image, true, [])),
        ("DeployingGreen", id => new ImagePublished(id, DateTimeOffset.UtcNow, Target, Image, "1.1.0", "sig")),
        ("Analyzing", id => new GreenReady(id, DateTimeOffset.UtcNow, Target, Image, Color.Green, "http://preview", 2, TimeSpan.Zero)),
        ("CuttingOver", id => new KpiPassed(id, DateTimeOffset.UtcNow, Target, AnalysisPhase.PrePromotion, [])),
        ("Soaking", id => new TrafficCutOver(id, DateTimeOffset.UtcNow, Target, Color.Green, Color.Blue, TimeSpan.Zero)),
        ("Live", id => new KpiPassed(id, DateTimeOffset.UtcNow, Target, AnalysisPhase.PostPromotion, [])),
    ];

    /// <summary>A signed approval, which the saga verifies as it would in production: its cost is part of the transition.</summary>
    private static ArtifactApproved Approval(Guid id)
    {
        const string yaml = "apiVersion: bpdp.io/v1\nkind: PolicyModule\n";
        var now = DateTimeOffset.UtcNow;
        var approvedAt = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
        return ApprovalCanonicalForm.Sign(new ArtifactApproved(id, now, Target.PolicyName, Target.PolicyVersion, Target.Agency, Target.Environment, yaml,
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(yaml))), "bench@osha.example", ApproverKeyId, "BENCH", approvedAt, ""), ApprovalKey);
    }

    public static async Task<int> Run(string[] args)
    {
        var postgres = BenchArgs.Option(args, "--postgres") ?? Environment.GetEnvironmentVariable("BPDP_TEST_POSTGRES");
        if (postgres is null)
        {
            Console.Error.WriteLine("Give --postgres or set BPDP_TEST_POSTGRES (scripts/services.sh env prints it).");
            return 1;
        }

        var deployments = int.Parse(BenchArgs.Option(args, "--deployments") ?? "300", CultureInfo.InvariantCulture);
        var schema = $"bench_coordinator_{Guid.NewGuid():N}"[..28];
        try
        {
            var memory = await Throughput(SagaStoreKind.InMemory, postgres, schema, deployments);
            var database = await Throughput(SagaStoreKind.Postgres, postgres, schema, deployments);
            Console.WriteLine(
                $"transitions: in-memory {memory.Rate:N0}/s, PostgreSQL {database.Rate:N0}/s, ratio {database.Rate / memory.Rate:F2} ({deployments} deployments x {Steps.Length} transitions each)");
            Console.WriteLine($"one transition, PostgreSQL: p50 {database.P50:F1} ms, p95 {database.P95:F1} ms -> the Coordinator's own share of a deployment: " +
                $"about {database.P50 * Steps.Length:F0} ms (p50 x {Steps.Length})");
            Console.WriteLine($"one transition, in-memory: p50 {memory.P50:F1} ms, p95 {memory.P95:F1} ms");
        }
        finally
        {
            await using var dataSource = NpgsqlDataSource.Create(postgres);
            await using var drop = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE");
            await drop.ExecuteNonQueryAsync();
        }

        return 0;
    }

    private static async Task<(double Rate, double P50, double P95)> Throughput(SagaStoreKind store, string postgres, string schema, int deployments)
    {
        var keys = Directory.CreateTempSubdirectory("bpdp-bench-coordinator-").FullName;
        var publicKey = Path.Combine(keys, "approvals.pub.pem");
        await File.WriteAllTextAsync(publicKey, ApprovalKey.ExportSubjectPublicKeyInfoPem());
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"Coordinator:TrustedKeys:{ApproverKeyId}:PublicKeyFile"] = publicKey,
            [$"Coordinator:TrustedKeys:{ApproverKeyId}:Agencies:0"] = "*",
            [$"Coordinator:TrustedKeys:{ApproverKeyId}:Environments:0"] = "*",
            ["Coordinator:Store"] = store.ToString(),
            ["Coordinator:ConnectionString"] = postgres,
            ["Coordinator:Schema"] = schema,
            ["Coordinator:SweepIntervalSeconds"] = "3600",
        }).Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(configuration);
        services.AddMassTransit(bus =>
        {
            bus.AddCoordinatorStage(configuration);
            bus.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
        });
        await using var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<Microsoft.Extensions.Hosting.IHostedService>().ToList();
        foreach (var service in hosted.OfType<Bpdp.Platform.Hosting.StartupTask>())
        {
            await service.StartingAsync(CancellationToken.None);
        }

        var control = provider.GetRequiredService<IBusControl>();
        var transitions = new TransitionObserver();
        control.ConnectConsumeObserver(transitions);
        await control.StartAsync();
        try
        {
            var ids = Enumerable.Range(0, deployments).Select(_ => Guid.NewGuid()).ToArray();
            var watch = Stopwatch.StartNew();
            foreach (var (_, next) in Steps)
            {
                await Task.WhenAll(ids.Select(id => Transition(control, transitions, next(id))));
            }

            var rate = deployments * Steps.Length / watch.Elapsed.TotalSeconds;
            var latencies = new List<double>();
            foreach (var id in Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()))
            {
                foreach (var (_, next) in Steps)
                {
                    var started = Stopwatch.GetTimestamp();
                    await Transition(control, transitions, next(id));
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }

            latencies.Sort();
            return (rate, Percentiles.Of(latencies, 50), Percentiles.Of(latencies, 95));
        }
        finally
        {
            await control.StopAsync();
            Directory.Delete(keys, recursive: true);
        }
    }

    /// <summary>Publishes one event and waits until the saga has consumed it: its state change is saved.</summary>
    private static async Task Transition(IBus bus, TransitionObserver transitions, object message)
    {
        var done = transitions.Expect((IPipelineMessage)message);
        await bus.Publish(message);
        await done.WaitAsync(TimeSpan.FromSeconds(60));
    }

    private sealed class TransitionObserver : IConsumeObserver
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<(Guid, Type), TaskCompletionSource> pending = new();

        public Task Expect(IPipelineMessage message) =>
            pending.GetOrAdd((message.DeploymentId, message.GetType()), _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        public Task PreConsume<T>(ConsumeContext<T> context)
            where T : class => Task.CompletedTask;

        public Task PostConsume<T>(ConsumeContext<T> context)
            where T : class
        {
            if (context.Message is IPipelineMessage message && pending.TryRemove((message.DeploymentId, typeof(T)), out var done))
            {
                done.TrySetResult();
            }

            return Task.CompletedTask;
        }

        public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception)
            where T : class => Task.CompletedTask;
    }
}
