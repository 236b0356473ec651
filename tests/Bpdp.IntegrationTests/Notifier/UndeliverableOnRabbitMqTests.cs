using System.Text.Json;
using Bpdp.Contracts;
using Bpdp.IntegrationTests.Bus;
using Bpdp.IntegrationTests.Servers;
using Bpdp.Notifier;
using Bpdp.Testing;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bpdp.IntegrationTests.Notifier;

/// <summary>
/// On the real RabbitMQ and PostgreSQL: a sink that refuses every connection is tried the configured number of times,
/// then the notification is undeliverable — in the store, and copied to the Notifier's <c>_error</c> queue, where
/// operators look, with its reason and without the sink's address.
/// </summary>
[Collection(RealServersCollection.Name)]
public sealed class UndeliverableOnRabbitMqTests(RealServers servers) : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-notifier-mq-").FullName;
    private readonly string run = Guid.NewGuid().ToString("N")[..8];

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task A_notification_no_attempt_delivers_lands_in_the_error_queue_with_its_reason()
    {
        var rabbit = await servers.RabbitMq();
        var queue = $"notifier-{run}";
        var secret = Path.Combine(folder, "hook.secret");
        await File.WriteAllTextAsync(secret, "s");
        var closed = FreeTcpPort.Next();
        var settings = new Dictionary<string, string?>(rabbit.ServiceSettings())
        {
            ["Notifier:Queue"] = queue,
            ["Notifier:Store"] = "Postgres",
            ["Notifier:ConnectionString"] = await servers.Postgres(),
            ["Notifier:Schema"] = $"notifier_{run}",
            ["Notifier:Attempts"] = "3",
            ["Notifier:FirstRetrySeconds"] = "0.05",
            ["Notifier:MaxRetrySeconds"] = "0.1",
            ["Notifier:PollMilliseconds"] = "50",
            ["Notifier:Routes:0:Name"] = "ops",
            ["Notifier:Routes:0:Sinks:0"] = "hook",
            ["Notifier:Sinks:hook:Kind"] = "Webhook",
            ["Notifier:Sinks:hook:Url"] = $"http://127.0.0.1:{closed}/token-in-the-path",
            ["Notifier:Sinks:hook:SecretFile"] = secret,
        };
        await using var cleanup = new QueueCleanup(rabbit, queue, $"{queue}_error");
        await using var host = TestHost.Build(settings, bus => bus.AddNotifierStage(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()));
        await host.StartAsync();
        var id = Guid.NewGuid();

        await host.Services.GetRequiredService<IPublishEndpoint>().Publish(
            new DeploymentFailed(id, DateTimeOffset.UtcNow, new DeploymentTarget("osha", $"mq-{run}", "haz-fast", "1.0.0"), PipelineStage.Rollout, "green never became ready"));
        await using var probe = await RabbitMqProbe.Connect(rabbit);
        var parked = await probe.NextIn($"{queue}_error");

        var envelope = JsonDocument.Parse(parked.Body.ToArray()).RootElement;
        var message = envelope.GetProperty("message");
        Assert.Equal(id, message.GetProperty("deploymentId").GetGuid());
        Assert.Equal(3, message.GetProperty("attempts").GetInt32());
        Assert.Equal($"sink 'hook': 127.0.0.1:{closed} could not be reached (ConnectionError)", message.GetProperty("lastError").GetString());
        Assert.Equal("undeliverable", RabbitMqProbe.Header(parked, "MT-Reason"));
        Assert.DoesNotContain("token-in-the-path", System.Text.Encoding.UTF8.GetString(parked.Body.Span), StringComparison.Ordinal);
        await host.StopAsync();
    }
}
