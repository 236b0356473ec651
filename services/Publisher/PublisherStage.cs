using Bpdp.Images;
using Bpdp.Platform.Bus;
using Bpdp.Publisher.Consumers;
using Bpdp.Publisher.Signing;
using Bpdp.Trust.Approvals;
using Bpdp.Trust.Scans;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bpdp.Publisher;

/// <summary>
/// Registers the Publisher: the <c>ImageScanned</c> consumer on <c>Publisher:Queue</c>, the signing key, the Scanner keys its verdicts
/// must verify with, the approval keys the attached approval must verify with, and the image store.
/// </summary>
public static class PublisherStage
{
    public static IBusRegistrationConfigurator AddPublisherStage(this IBusRegistrationConfigurator bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.AddOptions<PublisherOptions>().BindConfiguration(PublisherOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        bus.TryAddSingleton(TimeProvider.System);
        bus.AddImageStore();
        bus.AddSingleton(provider => SigningKey.FromPemFile(provider.GetRequiredService<IOptions<PublisherOptions>>().Value.SigningKeyFile!));
        bus.AddSingleton(provider => ScannerKeyRing.Load($"{PublisherOptions.Section}:{nameof(PublisherOptions.ScannerKeys)}",
            provider.GetRequiredService<IOptions<PublisherOptions>>().Value.ScannerKeys));
        bus.AddSingleton<ScanVerdictEvidence>();
        // Keyed: in one process with the Builder, the Coordinator and the Rollout, each verifies approvals with its own keys.
        bus.AddKeyedSingleton(EvidenceKey, (provider, _) => new ApprovalEvidence(
            ApprovalKeyRing.Load(TrustedKeysSection, provider.GetRequiredService<IOptions<PublisherOptions>>().Value.TrustedKeys),
            provider.GetRequiredService<TimeProvider>(), TimeSpan.MaxValue, TrustedKeysSection));
        bus.AddStageConsumer<ImageScannedConsumer, PublisherOptions>();
        return bus;
    }

    /// <summary>The service key of the Publisher's own approval evidence.</summary>
    public const string EvidenceKey = "Publisher";

    private const string TrustedKeysSection = $"{PublisherOptions.Section}:{nameof(PublisherOptions.TrustedKeys)}";
}
