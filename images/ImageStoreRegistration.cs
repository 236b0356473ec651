using Bpdp.Images.Layout;
using Bpdp.Images.Registry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bpdp.Images;

/// <summary>Registers the <see cref="IImageStore"/> that <c>Images:Store</c> names.</summary>
public static class ImageStoreRegistration
{
    public static IServiceCollection AddImageStore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ImageStoreOptions>().BindConfiguration(ImageStoreOptions.Section);
        services.AddOptions<ImageLimits>().BindConfiguration(ImageLimits.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RegistryOptions>().BindConfiguration(RegistryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RegistryOptions>, RegistryOptionsValidator>());
        services.TryAddSingleton<IImageStore>(provider =>
        {
            var choice = provider.GetRequiredService<IOptions<ImageStoreOptions>>().Value;
            var limits = provider.GetRequiredService<IOptions<ImageLimits>>().Value;
            return choice.Store == ImageStoreKind.Registry
                ? CreateRegistryStore(provider.GetRequiredService<IOptions<RegistryOptions>>().Value, provider.GetRequiredService<ILogger<RegistryImageStore>>(), limits)
                : new OciLayoutImageStore(choice.LayoutRoot, limits);
        });
        return services;
    }

    /// <summary>A registry store with its own connection pool and the auth handler in front of it.</summary>
    public static RegistryImageStore CreateRegistryStore(RegistryOptions options, ILogger<RegistryImageStore> logger, ImageLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var handler = new RegistryAuthHandler(options.Username, options.ReadPassword(), options.Url!.Authority)
        {
            InnerHandler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), ConnectTimeout = TimeSpan.FromSeconds(10) },
        };
        return new RegistryImageStore(new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(options.RequestTimeoutSeconds) }, options, logger, limits);
    }
}
