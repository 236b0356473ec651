using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bpdp.Platform.Bus.Identity;

/// <summary>Binds <c>Bus:Senders</c> and refuses, at start-up, an identity that is not one.</summary>
internal static class SenderRegistration
{
    public static IServiceCollection AddBusSenders(this IServiceCollection services)
    {
        services.AddSingleton<StageQueues>();
        services.AddOptions<SenderOptions>()
            .Configure<IConfiguration>((options, configuration) =>
            {
                foreach (var entry in configuration.GetSection(SenderOptions.Section).GetChildren())
                {
                    if (!Enum.TryParse<BusIdentity>(entry.Key, ignoreCase: false, out var identity) || !Enum.IsDefined(identity))
                    {
                        throw new OptionsValidationException(SenderOptions.Section, typeof(SenderOptions),
                            [$"{SenderOptions.Section}:{entry.Key} is not an identity; use one of {string.Join(", ", Enum.GetNames<BusIdentity>())}."]);
                    }

                    options.Users[identity] = entry.Value ?? "";
                }
            })
            .ValidateOnStart();
        return services;
    }
}
