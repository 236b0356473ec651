using System.Security.Cryptography;
using Bpdp.Contracts;
using Bpdp.Coordinator;
using Bpdp.Coordinator.Deadlines;
using Bpdp.Coordinator.Saga;
using Bpdp.Testing;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bpdp.UnitTests.Coordinator;

/// <summary>A fresh MassTransit test harness per test, running the Coordinator with a controllable clock.</summary>
public sealed class CoordinatorHarness : IAsyncDisposable
{
    public static readonly DeploymentTarget Target = new("osha", "production", "haz-fast", "1.1.0");
    public static readonly ImageReference Quarantine = new("registry.example/quarantine/haz-fast", "sha256:" + new string('a', 64));
    public static readonly ImageReference Release = new("registry.example/osha/haz-fast", "sha256:" + new string('a', 64));

    public const string OperatorKeyId = "ops-test";

    public static readonly DateTimeOffset StartedAt = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider provider;
    private readonly string keys;

    private CoordinatorHarness(ServiceProvider provider, FakeTimeProvider clock, ApprovalSigning approvals, string keys, ECDsa operatorKey)
    {
        OperatorKey = operatorKey;
        this.provider = provider;
        this.keys = keys;
        Clock = clock;
        Approvals = approvals;
        Harness = provider.GetRequiredService<ITestHarness>();
        Saga = Harness.GetSagaStateMachineHarness<DeploymentStateMachine, DeploymentState>();
        Machine = provider.GetRequiredService<DeploymentStateMachine>();
        Sweeper = provider.GetRequiredService<DeadlineSweeper>();
    }

    public FakeTimeProvider Clock { get; }

    /// <summary>An operator's key the Coordinator trusts to abort and promote for every agency.</summary>
    public ECDsa OperatorKey { get; }

    /// <summary>The approval system the Coordinator trusts (for every agency and environment); it approves at <see cref="StartedAt"/>.</summary>
    public ApprovalSigning Approvals { get; }

    public ITestHarness Harness { get; }

    public ISagaStateMachineTestHarness<DeploymentStateMachine, DeploymentState> Saga { get; }

    public DeploymentStateMachine Machine { get; }

    public DeadlineSweeper Sweeper { get; }

    /// <summary>Starts the harness; <paramref name="stages"/> adds stub stages as handlers, <paramref name="settings"/> more configuration.</summary>
    public static async Task<CoordinatorHarness> Start(Action<IBusRegistrationConfigurator>? stages = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var clock = new FakeTimeProvider(StartedAt);
        var approvals = new ApprovalSigning(StartedAt);
        var keys = Directory.CreateTempSubdirectory("bpdp-coordinator-harness-").FullName;
        var operatorKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var operatorPublic = Path.Combine(keys, $"{OperatorKeyId}.pub.pem");
        await File.WriteAllTextAsync(operatorPublic, operatorKey.ExportSubjectPublicKeyInfoPem());
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(approvals.TrustedKeySettings(keys, "Coordinator"))
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"Coordinator:OperatorKeys:{OperatorKeyId}:PublicKeyFile"] = operatorPublic,
                [$"Coordinator:OperatorKeys:{OperatorKeyId}:Agencies:0"] = "*",
                [$"Coordinator:OperatorKeys:{OperatorKeyId}:Roles:0"] = "Abort",
                [$"Coordinator:OperatorKeys:{OperatorKeyId}:Roles:1"] = "Promote",
            })
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<TimeProvider>(clock);
        services.AddMassTransitTestHarness(bus =>
        {
            bus.AddCoordinatorStage(configuration);
            stages?.Invoke(bus);
        });

        // The tests sweep deadlines themselves (Sweeper.SweepOnce): the hosted sweeper, woken when a test advances the
        // fake clock past its interval, would race them for the same deadline.
        foreach (var hosted in services.Where(d => d.ServiceType == typeof(Microsoft.Extensions.Hosting.IHostedService)
            && d.ImplementationFactory?.Method.DeclaringType?.Assembly == typeof(DeadlineSweeper).Assembly).ToList())
        {
            services.Remove(hosted);
        }
        // "Inactive" means the in-memory bus has had nothing in flight for this long: the cue that every reaction happened.
        services.Configure<TestHarnessOptions>(options => options.TestInactivityTimeout = TimeSpan.FromMilliseconds(300));
        var harness = new CoordinatorHarness(services.BuildServiceProvider(validateScopes: true), clock, approvals, keys, operatorKey);
        await harness.Harness.Start();
        return harness;
    }

    public Task Publish<T>(T message)
        where T : class => Harness.Bus.Publish(message);

    /// <summary>
    /// Waits until the deployment's saga is in <paramref name="state"/> and has finished entering it (its
    /// stage timing and deadline are set: the in-memory saga is changed in place while a message is handled).
    /// </summary>
    public async Task<DeploymentState> InState(Guid deploymentId, Func<DeploymentStateMachine, State> state)
    {
        var name = state(Machine).Name;
        var found = await Saga.Exists(deploymentId, state, TimeSpan.FromSeconds(10));
        var current = Saga.Sagas.Contains(deploymentId);
        Assert.True(found.HasValue, $"deployment {deploymentId} never reached {name}; it is {current?.CurrentState ?? "unknown"} ({current?.LastError})");
        await Bpdp.Testing.Eventually.Holds(
            () => Task.FromResult(Saga.Sagas.Contains(deploymentId) is { } saga && saga.CurrentState == name && saga.Stages.Count > 0 && saga.Stages[^1].Stage == name),
            $"deployment {deploymentId} finished entering {name}",
            TimeSpan.FromSeconds(10));
        return Saga.Sagas.Contains(deploymentId)!;
    }

    /// <summary>Every message of type <typeparamref name="T"/> published for <paramref name="deploymentId"/>.</summary>
    public IReadOnlyList<T> PublishedFor<T>(Guid deploymentId)
        where T : class, IPipelineMessage =>
        [.. Harness.Published.Select<T>(x => x.Context.Message.DeploymentId == deploymentId).Select(x => x.Context.Message)];

    /// <summary>Waits until the terminal event of <paramref name="deploymentId"/> was published, then returns every terminal event.</summary>
    public async Task<IReadOnlyList<IPipelineMessage>> TerminalEvents(Guid deploymentId)
    {
        await Harness.InactivityTask;
        return [.. PublishedFor<DeploymentCompleted>(deploymentId), .. PublishedFor<DeploymentRejected>(deploymentId),
            .. PublishedFor<DeploymentFailed>(deploymentId).Where(f => f.Stage == PipelineStage.Coordinator), .. PublishedFor<DeploymentRolledBack>(deploymentId)];
    }

    /// <summary>An approval of <see cref="Target"/>, signed by the trusted approval system.</summary>
    public ArtifactApproved Approval(Guid id, DeploymentTarget? target = null) => Approvals.Approve(Unsigned(id, target));

    /// <summary>A signed approval of <paramref name="yaml"/> for <see cref="Target"/>.</summary>
    public ArtifactApproved Approval(Guid id, string yaml) => Approvals.Approve(Unsigned(id) with
    {
        PolicyYaml = yaml,
        PolicySha256 = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(yaml))),
    });

    /// <summary>Approves <paramref name="yaml"/> and reports every stage up to green being ready: the deployment is then Analyzing.</summary>
    public async Task<DeploymentState> ApproveAndDeployGreen(Guid id, string yaml)
    {
        await Publish(Approval(id, yaml));
        await Publish(new ImageBuilt(id, Now, Target, Quarantine, 1, [], TimeSpan.Zero));
        await Publish(new ImageScanned(id, Now, Target, Quarantine, true, []));
        await Publish(new ImagePublished(id, Now, Target, Release, "1.1.0", "sig"));
        await Publish(new GreenReady(id, Now, Target, Release, Color.Green, "http://preview", 1, TimeSpan.Zero));
        return await InState(id, m => m.Analyzing);
    }

    /// <summary>The example policy v1.1.0 with <paramref name="find"/> replaced.</summary>
    public static string ExamplePolicy(string find, string replace)
    {
        var yaml = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "examples", "haz-fast", "v1.1.0.yaml")).Replace(find, replace, StringComparison.Ordinal);
        return yaml.Contains(replace, StringComparison.Ordinal) ? yaml : throw new InvalidOperationException($"the example policy has no '{find}' to replace");
    }

    /// <summary>An abort signed now by the trusted operator key.</summary>
    public AbortDeployment Abort(Guid id, string reason, string by = "ops@osha.example") =>
        OperatorCommandCanonicalForm.Sign(new AbortDeployment(id, Now, by, reason, OperatorKeyId), OperatorKey);

    /// <summary>A promotion signed now by the trusted operator key.</summary>
    public PromoteDeployment Promote(Guid id, string by = "ops@osha.example") =>
        OperatorCommandCanonicalForm.Sign(new PromoteDeployment(id, Now, by, OperatorKeyId), OperatorKey);

    /// <summary>The same approval before it is signed.</summary>
    public static ArtifactApproved Unsigned(Guid id, DeploymentTarget? target = null)
    {
        var approved = target ?? Target;
        return Samples.Approval(id) with { Agency = approved.Agency, Environment = approved.Environment, PolicyName = approved.PolicyName, PolicyVersion = approved.PolicyVersion };
    }

    public DateTimeOffset Now => Clock.GetUtcNow();

    public async ValueTask DisposeAsync()
    {
        await Harness.Stop();
        await provider.DisposeAsync();
        Approvals.Dispose();
        OperatorKey.Dispose();
        Directory.Delete(keys, recursive: true);
    }
}
