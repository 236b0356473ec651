using Bpdp.Images;
using Bpdp.Platform.Bus;
using Bpdp.Rollout.Consumers;
using Bpdp.Rollout.Docker;
using Bpdp.Rollout.Kubernetes;
using Bpdp.Rollout.Local;
using Bpdp.Rollout.Release;
using Bpdp.Rollout.Targets;
using Bpdp.Trust.Release;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bpdp.Rollout;

/// <summary>Registers the Rollout stage: its targets, the release keys and signature check in front of them, and its four command consumers on <c>Rollout:Queue</c>.</summary>
public static class RolloutStage
{
    public static IBusRegistrationConfigurator AddRolloutStage(this IBusRegistrationConfigurator bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.AddOptions<RolloutOptions>().BindConfiguration(RolloutOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        bus.TryAddSingleton(TimeProvider.System);
        bus.AddImageStore();
        bus.AddSingleton(provider => ReleaseKeyRing.Load($"{RolloutOptions.Section}:{nameof(RolloutOptions.ReleaseKeys)}",
            provider.GetRequiredService<IOptions<RolloutOptions>>().Value.ReleaseKeys));
        bus.AddSingleton<ReleaseSignatures>();
        bus.AddSingleton<ReleaseGate>();
        bus.AddHttpClient(nameof(LocalTarget), http => http.Timeout = TimeSpan.FromSeconds(5)).RemoveAllLoggers();
        bus.AddHttpClient(nameof(DockerTarget), http => http.Timeout = TimeSpan.FromSeconds(5)).RemoveAllLoggers();
        bus.AddSingleton<IRolloutTargetFactory, LocalTargetFactory>();
        bus.AddSingleton<IRolloutTargetFactory, DockerTargetFactory>();
        bus.AddSingleton<IRolloutTargetFactory, KubernetesTargetFactory>();
        bus.AddSingleton<RolloutTargets>();
        bus.AddHostedService<DockerProxyRestore>();
        bus.AddStageConsumer<DeployGreenConsumer, RolloutOptions>();
        bus.AddStageConsumer<CutOverTrafficConsumer, RolloutOptions>();
        bus.AddStageConsumer<RollBackDeploymentConsumer, RolloutOptions>();
        bus.AddStageConsumer<FinalizeDeploymentConsumer, RolloutOptions>();
        return bus;
    }
}
