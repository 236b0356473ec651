using System.Threading.Channels;

namespace Bpdp.Testing.Kubernetes;

/// <summary>An open watch on one resource in one namespace: replayed changes first, then live ones.</summary>
public sealed class WatchSubscription(ApiResource resource, string ns, ChannelReader<StoredEvent> events, Action close) : IDisposable
{
    public ApiResource Resource => resource;

    public string Namespace => ns;

    public ChannelReader<StoredEvent> Events => events;

    public void Dispose() => close();
}
