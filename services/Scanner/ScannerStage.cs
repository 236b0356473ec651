using Bpdp.Images;
using Bpdp.Platform.Bus;
using Bpdp.Scanner.Consumers;
using Bpdp.Scanner.Signing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bpdp.Scanner;

/// <summary>Registers the Scanner: the <c>ImageBuilt</c> consumer on <c>Scanner:Queue</c>, its rules and database, the key that signs its verdicts, and the image store.</summary>
public static class ScannerStage
{
    public static IBusRegistrationConfigurator AddScannerStage(this IBusRegistrationConfigurator bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.AddOptions<ScannerOptions>().BindConfiguration(ScannerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        bus.TryAddSingleton(TimeProvider.System);
        bus.AddImageStore();
        bus.AddSingleton<ImageScannerFactory>();
        bus.AddHostedService<ScannerWarmUp>();
        bus.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<ScannerOptions>>().Value;
            return new VerdictSigner(options.SigningKeyId!, options.ReadSigningKey());
        });
        bus.AddStageConsumer<ImageBuiltConsumer, ScannerOptions>();
        return bus;
    }
}
