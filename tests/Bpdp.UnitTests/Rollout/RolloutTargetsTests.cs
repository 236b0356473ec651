using Bpdp.Contracts;
using Bpdp.Rollout;
using Bpdp.Rollout.Targets;
using Microsoft.Extensions.Options;

namespace Bpdp.UnitTests.Rollout;

public sealed class RolloutTargetsTests
{
    private static readonly DeploymentTarget Osha = new("osha", "production", "haz-fast", "1.0.0");

    private sealed class CountingFactory(TargetKind kind) : IRolloutTargetFactory
    {
        public List<TargetOptions> Made { get; } = [];

        public TargetKind Kind => kind;

        public IRolloutTarget Create(TargetOptions target)
        {
            Made.Add(target);
            return new UnusedTarget();
        }
    }

    private sealed class UnusedTarget : IRolloutTarget
    {
        public Task<GreenDeployed> DeployGreen(DeployGreen command, CancellationToken cancel) => throw new NotSupportedException();

        public Task<TrafficMoved> CutOver(CutOverTraffic command, CancellationToken cancel) => throw new NotSupportedException();

        public Task<RolledBackTo> RollBack(RollBackDeployment command, CancellationToken cancel) => throw new NotSupportedException();

        public Task Finalize(FinalizeDeployment command, CancellationToken cancel) => throw new NotSupportedException();

        public Task<ServingNow> Serving(DeploymentTarget target, CancellationToken cancel) => throw new NotSupportedException();
    }

    [Fact]
    public void Without_configured_targets_every_environment_shares_the_one_local_target()
    {
        var local = new CountingFactory(TargetKind.Local);
        var targets = new RolloutTargets(Options.Create(new RolloutOptions()), [local]);

        var first = targets.For(Osha);
        var second = targets.For(Osha with { Agency = "epa", Environment = "staging" });

        Assert.Same(first, second);
        Assert.Single(local.Made);
    }

    [Fact]
    public void A_configured_entry_gets_its_own_target_of_its_kind()
    {
        var docker = new CountingFactory(TargetKind.Docker);
        var options = new RolloutOptions { Targets = [new TargetOptions { Agency = "osha", Environment = "production", Kind = TargetKind.Docker, DockerHost = "tcp://engine:2376" }] };
        var targets = new RolloutTargets(Options.Create(options), [new CountingFactory(TargetKind.Local), docker]);

        targets.For(Osha);
        targets.For(Osha with { PolicyName = "other" });

        Assert.Equal("tcp://engine:2376", Assert.Single(docker.Made).DockerHost);
    }

    [Fact]
    public void An_environment_missing_from_configured_targets_fails_naming_what_to_add()
    {
        var options = new RolloutOptions { Targets = [new TargetOptions { Agency = "osha", Environment = "production", Kind = TargetKind.Docker }] };
        var targets = new RolloutTargets(Options.Create(options), [new CountingFactory(TargetKind.Docker)]);

        var error = Assert.Throws<RolloutTargetException>(() => targets.For(Osha with { Environment = "staging" }));

        Assert.Contains("agency 'osha', environment 'staging'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Rollout:Targets", error.Message, StringComparison.Ordinal);
        Assert.Contains("osha/production", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_kind_this_service_cannot_run_fails_clearly()
    {
        var options = new RolloutOptions { Targets = [new TargetOptions { Agency = "osha", Environment = "production", Kind = TargetKind.Kubernetes }] };
        var targets = new RolloutTargets(Options.Create(options), [new CountingFactory(TargetKind.Local)]);

        var error = Assert.Throws<RolloutTargetException>(() => targets.For(Osha));

        Assert.Contains("Kubernetes target of osha/production", error.Message, StringComparison.Ordinal);
    }

    private sealed class FailingOnceFactory : IRolloutTargetFactory
    {
        public int Attempts { get; private set; }

        public TargetKind Kind => TargetKind.Kubernetes;

        public IRolloutTarget Create(TargetOptions target) =>
            ++Attempts == 1 ? throw new RolloutTargetException("the kubeconfig file does not exist") : new UnusedTarget();
    }

    [Fact]
    public void A_target_that_could_not_be_made_is_made_again_by_the_next_command()
    {
        var factory = new FailingOnceFactory();
        var options = new RolloutOptions { Targets = [new TargetOptions { Agency = "osha", Environment = "production", Kind = TargetKind.Kubernetes }] };
        var targets = new RolloutTargets(Options.Create(options), [factory]);

        Assert.Throws<RolloutTargetException>(() => targets.For(Osha));
        var made = targets.For(Osha);

        Assert.Same(made, targets.For(Osha));
        Assert.Equal(2, factory.Attempts);
    }

    [Fact]
    public void Duplicate_and_incomplete_entries_are_configuration_errors()
    {
        var options = new RolloutOptions
        {
            Targets = [new TargetOptions { Agency = "osha", Environment = "production" }, new TargetOptions { Agency = "osha", Environment = "production" }, new TargetOptions { Agency = "epa" }],
        };

        var errors = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).Select(e => e.ErrorMessage).ToList();

        Assert.Contains(errors, e => e!.Contains("osha/production 2 times", StringComparison.Ordinal));
        Assert.Contains(errors, e => e!.StartsWith("Rollout:Targets:2:", StringComparison.Ordinal) && e.Contains("Environment", StringComparison.Ordinal));
    }
}
