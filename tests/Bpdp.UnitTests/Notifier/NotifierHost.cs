using System.Net.Http.Json;
using Bpdp.Notifier;
using Bpdp.Notifier.Api;
using Bpdp.Notifier.Delivery;
using Bpdp.Platform.Bus;
using Bpdp.Testing;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bpdp.UnitTests.Notifier;

/// <summary>The Notifier in a host of its own on the in-memory bus, with a SQLite store, delivering to a real local HTTP receiver.</summary>
internal sealed class NotifierHost : IAsyncDisposable
{
    private readonly string folder;

    private NotifierHost(WebApplication app, WebhookReceiver receiver, string folder, string secret)
    {
        App = app;
        Receiver = receiver;
        this.folder = folder;
        Secret = secret;
    }

    public WebApplication App { get; }

    public WebhookReceiver Receiver { get; }

    public string Secret { get; }

    public IPublishEndpoint Bus => App.Services.GetRequiredService<IPublishEndpoint>();

    public MessageSink Sink => App.Services.GetRequiredService<MessageSink>();

    /// <param name="settings">Routes and anything else over the defaults; <c>{receiver}</c> in a value is the receiver's address.</param>
    public static async Task<NotifierHost> Start(IDictionary<string, string?> settings)
    {
        var receiver = await WebhookReceiver.Start();
        var folder = Directory.CreateTempSubdirectory("bpdp-notifier-").FullName;
        var secret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        await File.WriteAllTextAsync(Path.Combine(folder, "hook.secret"), secret + "\n");
        var all = new Dictionary<string, string?>
        {
            ["Bus:Transport"] = "InMemory",
            ["Notifier:ConnectionString"] = $"Data Source={Path.Combine(folder, "notifier.db")}",
            ["Notifier:ConsoleUrl"] = "http://console.test:8088/",
            ["Notifier:PollMilliseconds"] = "50",
            ["Notifier:FirstRetrySeconds"] = "0.05",
            ["Notifier:MaxRetrySeconds"] = "0.2",
            ["Notifier:Sinks:hook:Kind"] = "Webhook",
            ["Notifier:Sinks:hook:Url"] = "{receiver}hook",
            ["Notifier:Sinks:hook:SecretFile"] = Path.Combine(folder, "hook.secret"),
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        foreach (var key in all.Keys.ToList())
        {
            all[key] = all[key]?.Replace("{receiver}", receiver.Address.ToString(), StringComparison.Ordinal);
        }

        var app = TestHost.Build(all, bus =>
        {
            bus.AddNotifierStage(new ConfigurationBuilder().AddInMemoryCollection(all).Build());
            bus.AddStageConsumer<ErrorQueueProbe>("notifier_error");
        });
        app.MapNotifierEndpoints();
        await app.StartAsync();
        return new NotifierHost(app, receiver, folder, secret);
    }

    public async Task<NotifierEndpoints.NotificationList> Notifications(string query = "")
    {
        using var http = new HttpClient { BaseAddress = App.BaseAddress() };
        return (await http.GetFromJsonAsync<NotifierEndpoints.NotificationList>($"/v1/notifications{query}", Bpdp.Contracts.ContractJson.Options))!;
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        await Receiver.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    public sealed class ErrorQueueProbe(MessageSink sink) : RecordingConsumer<UndeliverableNotification>(sink);
}
