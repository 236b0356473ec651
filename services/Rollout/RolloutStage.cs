using Bpdp.Platform.Bus;
using Bpdp.Images;
using Bpdp.Rollout.Consumers;
using Bpdp.Rollout.Docker;
using Bpdp.Rollout.Kubernetes;
using Bpdp.Rollout.Local;
using Bpdp.Rollout.Targets;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bpdp.Rollout;

/// <summary>Registers the Rollout stage: its targets and its four command consumers on <c>Rollout:Queue</c>.</summary>
public static class RolloutStage
{
    public static IBusRegistrationConfigurator AddRolloutStage(this IBusRegistrationConfigurator bus, string queue = "rollout")
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.AddOptions<RolloutOptions>().BindConfiguration(RolloutOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        bus.TryAddSingleton(TimeProvider.System);
        bus.AddImageStore();
        bus.AddHttpClient(nameof(LocalTarget), http => http.Timeout = TimeSpan.FromSeconds(5)).RemoveAllLoggers();
        bus.AddHttpClient(nameof(DockerTarget), http => http.Timeout = TimeSpan.FromSeconds(5)).RemoveAllLoggers();
        bus.AddSingleton<IRolloutTargetFactory, LocalTargetFactory>();
        bus.AddSingleton<IRolloutTargetFactory, DockerTargetFactory>();
        bus.AddSingleton<IRolloutTargetFactory, KubernetesTargetFactory>();
        bus.AddSingleton<RolloutTargets>();
        bus.AddHostedService<DockerProxyRestore>();
        bus.AddStageConsumer<DeployGreenConsumer>(queue);
        bus.AddStageConsumer<CutOverTrafficConsumer>(queue);
        bus.AddStageConsumer<RollBackDeploymentConsumer>(queue);
        bus.AddStageConsumer<FinalizeDeploymentConsumer>(queue);
        return bus;
    }
}
