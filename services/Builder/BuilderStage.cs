using Bpdp.Builder.Approval;
using Bpdp.Builder.Consumers;
using Bpdp.Builder.Docker;
using Bpdp.Builder.Oci;
using Bpdp.Images;
using Bpdp.Platform.Bus;
using Bpdp.Trust.Approvals;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bpdp.Builder;

/// <summary>Registers the Builder: the <see cref="ArtifactApproved"/> consumer on <c>Builder:Queue</c>, the trusted keys and the image store.</summary>
public static class BuilderStage
{
    public static IBusRegistrationConfigurator AddBuilderStage(this IBusRegistrationConfigurator bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.AddOptions<BuilderOptions>().BindConfiguration(BuilderOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        bus.TryAddSingleton(TimeProvider.System);
        bus.AddImageStore();
        bus.AddSingleton(provider => ApprovalKeyRing.Load($"{BuilderOptions.Section}:{nameof(BuilderOptions.TrustedKeys)}", provider.GetRequiredService<IOptions<BuilderOptions>>().Value.TrustedKeys));
        bus.AddSingleton(provider => new ApprovalEvidence(provider.GetRequiredService<ApprovalKeyRing>(), provider.GetRequiredService<TimeProvider>(),
            TimeSpan.FromHours(provider.GetRequiredService<IOptions<BuilderOptions>>().Value.MaxApprovalAgeHours), $"{BuilderOptions.Section}:{nameof(BuilderOptions.TrustedKeys)}"));
        // The gate's allow-list, read here too, so a policy reading any other host is refused before it is built.
        bus.AddSingleton(provider => new ApprovalVerifier(provider.GetRequiredService<ApprovalEvidence>(),
            provider.GetRequiredService<IConfiguration>().GetSection("KpiGate:WebMetricHosts").Get<string[]>() ?? []));
        bus.AddSingleton<PolicyImageBuilder>();
        bus.AddSingleton<BuildInputs>();
        bus.AddHostedService<BuildWarmUp>();
        bus.AddSingleton<DockerImageLoader>();
        bus.AddStageConsumer<ArtifactApprovedConsumer, BuilderOptions>();
        return bus;
    }
}
