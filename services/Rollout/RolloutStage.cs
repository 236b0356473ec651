using Bpdp.Images;
using Bpdp.Platform.Bus;
using Bpdp.Rollout.Consumers;
using Bpdp.Rollout.Docker;
using Bpdp.Rollout.Kubernetes;
using Bpdp.Rollout.Local;
using Bpdp.Rollout.Release;
using Bpdp.Rollout.Targets;
using Bpdp.Trust.Approvals;
using Bpdp.Trust.Release;
using Bpdp.Trust.Scans;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bpdp.Rollout;

/// <summary>
/// Registers the Rollout stage: its targets, the release, approval and Scanner keys and the release check in front of them,
/// and its four command consumers and the <c>GetServing</c> answer on <c>Rollout:Queue</c>.
/// </summary>
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
        // Keyed: in one process with the Builder, the Coordinator and the Publisher, each verifies with its own keys.
        bus.AddKeyedSingleton(EvidenceKey, (provider, _) => ApprovalKeyRing.Load(TrustedKeysSection, Options(provider).TrustedKeys));
        bus.AddKeyedSingleton(EvidenceKey, (provider, _) => ScannerKeyRing.Load(ScannerKeysSection, Options(provider).ScannerKeys));
        bus.AddSingleton(provider => new ReleaseVerifier(provider.GetRequiredService<IImageStore>(), provider.GetRequiredService<ReleaseSignatures>(),
            provider.GetRequiredService<ReleaseKeyRing>(),
            new ApprovalEvidence(provider.GetRequiredKeyedService<ApprovalKeyRing>(EvidenceKey), provider.GetRequiredService<TimeProvider>(), TimeSpan.MaxValue, TrustedKeysSection),
            new ScanVerdictEvidence(provider.GetRequiredKeyedService<ScannerKeyRing>(EvidenceKey), provider.GetRequiredService<TimeProvider>())));
        bus.AddSingleton<ReleaseGate>();
        bus.AddHttpClient(nameof(LocalTarget), http => http.Timeout = TimeSpan.FromSeconds(5)).RemoveAllLoggers();
        bus.AddHttpClient(nameof(DockerTarget), http => http.Timeout = TimeSpan.FromSeconds(5)).RemoveAllLoggers();
        bus.AddSingleton<LocalDataPlane>();
        bus.AddSingleton<IRolloutTargetFactory, LocalTargetFactory>();
        bus.AddSingleton<IRolloutTargetFactory, DockerTargetFactory>();
        bus.AddSingleton<IRolloutTargetFactory, KubernetesTargetFactory>();
        bus.AddSingleton<RolloutTargets>();
        bus.AddHostedService<DockerProxyRestore>();
        bus.AddStageConsumer<DeployGreenConsumer, RolloutOptions>();
        bus.AddStageConsumer<CutOverTrafficConsumer, RolloutOptions>();
        bus.AddStageConsumer<RollBackDeploymentConsumer, RolloutOptions>();
        bus.AddStageConsumer<FinalizeDeploymentConsumer, RolloutOptions>();
        bus.AddConsumer<GetServingConsumer, GetServingConsumerDefinition>();
        return bus;
    }

    /// <summary>The service key of the Rollout's own approval and Scanner key rings.</summary>
    public const string EvidenceKey = "Rollout";

    private const string TrustedKeysSection = $"{RolloutOptions.Section}:{nameof(RolloutOptions.TrustedKeys)}";
    private const string ScannerKeysSection = $"{RolloutOptions.Section}:{nameof(RolloutOptions.ScannerKeys)}";

    private static RolloutOptions Options(IServiceProvider provider) => provider.GetRequiredService<IOptions<RolloutOptions>>().Value;
}
