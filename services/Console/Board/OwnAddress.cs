using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Bpdp.WebConsole.Board;

/// <summary>The base address of a service the console asks: configured, or this very process when that service runs in it.</summary>
internal static class OwnAddress
{
    public static Uri Or(Uri? configured, IServiceProvider services)
    {
        if (configured is not null)
        {
            return new Uri(configured.ToString().TrimEnd('/') + "/");
        }

        var addresses = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        return addresses?.FirstOrDefault() is { } own
            ? new Uri(own.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/")
            : throw new HttpRequestException("this process does not listen yet, so the services in it cannot be asked");
    }
}
