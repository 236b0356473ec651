using System.Net.Http.Json;
using Bpdp.Platform.Bus.Identity;

namespace Bpdp.IntegrationTests.Servers;

/// <summary>
/// A virtual host of its own on the real broker, deleted with everything in it afterwards: a broker on which no
/// process has declared anything yet, as a pipeline sees it on its first start.
/// </summary>
public sealed class FreshVirtualHost : IAsyncDisposable
{
    private readonly HttpClient management;

    private FreshVirtualHost(HttpClient management, string name, RabbitMqServer broker)
    {
        this.management = management;
        Name = name;
        Broker = broker;
    }

    public string Name { get; }

    /// <summary>The broker as seen from inside this virtual host, as the same user.</summary>
    public RabbitMqServer Broker { get; }

    public HttpClient Management => management;

    public static async Task<FreshVirtualHost> Create(RabbitMqServer rabbit, string name)
    {
        ArgumentNullException.ThrowIfNull(rabbit);
        var management = BrokerUsers.Client(rabbit.Management, rabbit.User, rabbit.Password);
        (await management.PutAsJsonAsync($"api/vhosts/{name}", new { })).EnsureSuccessStatusCode();
        (await management.PutAsJsonAsync($"api/permissions/{name}/{Uri.EscapeDataString(rabbit.User)}", new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
        var inside = new UriBuilder(rabbit.Amqp) { Path = "/" + name };
        return new FreshVirtualHost(management, name, new RabbitMqServer(inside.Uri));
    }

    /// <summary>Every queue of this virtual host with the number of messages in it.</summary>
    public async Task<Dictionary<string, long>> QueueDepths()
    {
        var queues = await management.GetFromJsonAsync<List<QueueInfo>>($"api/queues/{Name}?columns=name,messages");
        return queues!.ToDictionary(q => q.Name, q => q.Messages ?? 0);
    }

    public async ValueTask DisposeAsync()
    {
        await management.DeleteAsync(new Uri($"api/vhosts/{Name}", UriKind.Relative));
        management.Dispose();
    }

    private sealed record QueueInfo(string Name, long? Messages);
}
