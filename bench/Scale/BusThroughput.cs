using System.Diagnostics;
using Bpdp.Bench.Pipeline;
using Bpdp.Contracts;
using Bpdp.Platform.Hosting;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bpdp.Bench.Scale;

/// <summary>
/// Send → consume of the same number of pipeline messages on the same broker, twice: through BPDP's bus
/// (sender stamp and check, contract validation, metrics observers, retry policy, on a stage's queue) and through
/// MassTransit as it comes, with the same prefetch. Run when no stage is up: the messages are real pipeline types.
/// </summary>
internal static class BusThroughput
{
    private const int Prefetch = 16;

    /// <summary>Messages per second through BPDP's bus, through raw MassTransit, and through raw MassTransit on a quorum queue (what a cluster would replicate).</summary>
    public static async Task<(double Bpdp, double Raw, double RawQuorum)> Measure(Uri amqp, int count)
    {
        await Raw(amqp, Math.Min(count, 200), quorum: false);
        await ThroughBpdp(amqp, Math.Min(count, 200));
        var raw = await Raw(amqp, count, quorum: false);
        var bpdp = await ThroughBpdp(amqp, count);
        var quorum = await Raw(amqp, count, quorum: true);
        return (bpdp, raw, quorum);
    }

    private static DeploymentCompleted Message(int i) => new(Guid.NewGuid(), DateTimeOffset.UtcNow, new DeploymentTarget("bench", $"bus-{i % 60}", "haz-fast", "1.1.0"),
        new ImageReference("bench/haz-fast", "sha256:" + new string('a', 64)), Color.Green);

    private static async Task<double> Raw(Uri amqp, int count, bool quorum)
    {
        var counter = new Counter(count);
        var credentials = Uri.UnescapeDataString(amqp.UserInfo).Split(':', 2);
        var queue = $"bench-raw-{Guid.NewGuid():N}"[..18];
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(amqp.Host, (ushort)amqp.Port, "/", host =>
            {
                host.Username(credentials[0]);
                host.Password(credentials.Length > 1 ? credentials[1] : "");
            });
            cfg.PrefetchCount = Prefetch;
            cfg.ReceiveEndpoint(queue, e =>
            {
                if (quorum)
                {
                    e.SetQuorumQueue();
                }

                e.Handler<DeploymentCompleted>(_ => counter.One());
            });
        });
        await bus.StartAsync();
        try
        {
            return await Time(await bus.GetSendEndpoint(new Uri($"exchange:{queue}")), counter, count);
        }
        finally
        {
            await bus.StopAsync();
            await DeleteQueue(amqp, queue);
        }
    }

    private static async Task<double> ThroughBpdp(Uri amqp, int count)
    {
        var counter = new Counter(count);
        var queue = $"bench-bus-{Guid.NewGuid():N}"[..18];
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        // Named as the Console's queue, so the sender check judges every message as it does on a stage.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(DistributedPipeline.RabbitMqSettings(amqp))
        {
            ["Service:HttpAddress"] = "127.0.0.1",
            ["Service:HttpPort"] = "0",
            ["Bus:PrefetchCount"] = Prefetch.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Console:Queue"] = queue,
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.Services.AddSingleton(counter);
        builder.AddBpdpService("bench-bus", bus => bus.AddConsumer<CountingConsumer>().Endpoint(e => e.Name = queue));
        builder.Logging.ClearProviders();
        await using var host = builder.Build();
        await host.StartAsync();
        try
        {
            return await Time(await host.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri($"exchange:{queue}")), counter, count);
        }
        finally
        {
            await host.StopAsync();
            await DeleteQueue(amqp, queue);
        }
    }

    /// <summary>
    /// Sent to the queue's own exchange, not published: other queues bound to the type's exchange must not get them, and
    /// a send to the queue itself would declare it as a classic queue, which a quorum queue refuses.
    /// </summary>
    private static async Task<double> Time(ISendEndpoint endpoint, Counter counter, int count)
    {
        var started = Stopwatch.GetTimestamp();
        const int InFlight = 64;
        for (var i = 0; i < count; i += InFlight)
        {
            await Task.WhenAll(Enumerable.Range(i, Math.Min(InFlight, count - i)).Select(n => endpoint.Send(Message(n))));
        }

        await counter.All.WaitAsync(TimeSpan.FromMinutes(5));
        return count / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static async Task DeleteQueue(Uri amqp, string queue)
    {
        if (Environment.GetEnvironmentVariable("BPDP_TEST_RABBITMQ_MANAGEMENT") is { Length: > 0 } management)
        {
            using var http = BrokerStatistics.Client(new Uri(management), amqp);
            using var deletedQueue = await http.DeleteAsync(new Uri($"api/queues/%2F/{queue}", UriKind.Relative));
            using var deletedExchange = await http.DeleteAsync(new Uri($"api/exchanges/%2F/{queue}", UriKind.Relative));
        }
    }

    internal sealed class Counter(int expected)
    {
        private readonly TaskCompletionSource all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int received;

        public Task All => all.Task;

        public Task One()
        {
            if (Interlocked.Increment(ref received) == expected)
            {
                all.TrySetResult();
            }

            return Task.CompletedTask;
        }
    }

    internal sealed class CountingConsumer(Counter counter) : IConsumer<DeploymentCompleted>
    {
        public Task Consume(ConsumeContext<DeploymentCompleted> context) => counter.One();
    }
}
