using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Bpdp.Testing;
using RabbitMQ.Client;

namespace Bpdp.IntegrationTests.Servers;

/// <summary>
/// A RabbitMQ node of its own (from Debian's rabbitmq-server, its own node name, ports and files), for a test that
/// needs a broker setting the shared one must not have — such as a short <c>consumer_timeout</c>.
/// </summary>
public sealed class PrivateRabbitMq : IAsyncDisposable
{
    private readonly Process process;
    private readonly string folder;

    private PrivateRabbitMq(Process process, string folder, int amqpPort, int managementPort)
    {
        this.process = process;
        this.folder = folder;
        Server = new RabbitMqServer(new Uri($"amqp://guest:guest@127.0.0.1:{amqpPort}/"));
        Management = new Uri($"http://127.0.0.1:{managementPort}/");
    }

    public RabbitMqServer Server { get; }

    public Uri Management { get; }

    /// <param name="consumerTimeout">How long the broker lets a consumer hold a delivery unacknowledged before it closes the channel.</param>
    public static async Task<PrivateRabbitMq> Start(TimeSpan consumerTimeout)
    {
        var server = Directory.GetFiles("/usr/lib/rabbitmq/lib", "rabbitmq-server", SearchOption.AllDirectories).Order().LastOrDefault()
            ?? throw new InvalidOperationException("rabbitmq-server is not installed: scripts/services.sh up installs it.");
        var folder = Directory.CreateTempSubdirectory("bpdp-private-rabbitmq-").FullName;
        var (amqp, management, distribution) = (FreeTcpPort.Next(), FreeTcpPort.Next(), FreeTcpPort.Next());
        await File.WriteAllTextAsync(Path.Combine(folder, "rabbitmq.conf"), $"""
            listeners.tcp.default = 127.0.0.1:{amqp}
            management.tcp.ip = 127.0.0.1
            management.tcp.port = {management}
            loopback_users.guest = true
            consumer_timeout = {(long)consumerTimeout.TotalMilliseconds}
            """);
        await File.WriteAllTextAsync(Path.Combine(folder, "enabled_plugins"), "[rabbitmq_management].");
        var start = new ProcessStartInfo(server) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["HOME"] = folder;
        start.Environment["RABBITMQ_NODENAME"] = $"bpdp-{Path.GetFileName(folder)}@localhost".Replace("-private-rabbitmq-", "-", StringComparison.Ordinal).ToLowerInvariant();
        start.Environment["RABBITMQ_CONFIG_FILE"] = Path.Combine(folder, "rabbitmq.conf");
        start.Environment["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(folder, "enabled_plugins");
        start.Environment["RABBITMQ_MNESIA_BASE"] = Path.Combine(folder, "mnesia");
        start.Environment["RABBITMQ_LOG_BASE"] = Path.Combine(folder, "log");
        start.Environment["RABBITMQ_PID_FILE"] = Path.Combine(folder, "rabbitmq.pid");
        start.Environment["RABBITMQ_DIST_PORT"] = distribution.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["ERL_EPMD_ADDRESS"] = "127.0.0.1";
        start.Environment["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}";
        var broker = new PrivateRabbitMq(Process.Start(start)!, folder, amqp, management);
        broker.process.OutputDataReceived += (_, _) => { };
        broker.process.ErrorDataReceived += (_, _) => { };
        broker.process.BeginOutputReadLine();
        broker.process.BeginErrorReadLine();
        using var http = broker.ManagementClient();
        await Eventually.Holds(async () =>
        {
            if (broker.process.HasExited)
            {
                throw new InvalidOperationException($"the private RabbitMQ exited with {broker.process.ExitCode}; its logs are in {folder}/log");
            }

            try
            {
                return (await http.GetAsync(new Uri("api/overview", UriKind.Relative))).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "the private RabbitMQ answers", TimeSpan.FromSeconds(90));
        return broker;
    }

    /// <summary>How many deliveries of <paramref name="queue"/> the broker has redelivered (management statistics).</summary>
    public async Task<long> Redelivered(string queue)
    {
        using var http = ManagementClient();
        using var body = JsonDocument.Parse(await http.GetStringAsync(new Uri($"api/queues/%2F/{Uri.EscapeDataString(queue)}", UriKind.Relative)));
        return body.RootElement.TryGetProperty("message_stats", out var stats) && stats.TryGetProperty("redeliver", out var redeliver) ? redeliver.GetInt64() : 0;
    }

    /// <summary>How many deliveries of <paramref name="queue"/> have been acknowledged (management statistics).</summary>
    public async Task<long> Acknowledged(string queue)
    {
        using var http = ManagementClient();
        using var body = JsonDocument.Parse(await http.GetStringAsync(new Uri($"api/queues/%2F/{Uri.EscapeDataString(queue)}", UriKind.Relative)));
        return body.RootElement.TryGetProperty("message_stats", out var stats) && stats.TryGetProperty("ack", out var ack) ? ack.GetInt64() : 0;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a beam process that is exiting: the temporary folder is left behind.
        }
    }

    private HttpClient ManagementClient()
    {
        var http = new HttpClient { BaseAddress = Management };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String("guest:guest"u8.ToArray()));
        return http;
    }
}
