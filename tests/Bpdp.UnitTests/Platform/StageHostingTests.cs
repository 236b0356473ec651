using Bpdp.Contracts;
using Bpdp.Platform.Bus;
using Bpdp.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Bpdp.UnitTests.Platform;

public sealed class StageHostingTests
{
    private static readonly Dictionary<string, string?> InMemory = new() { ["Bus:Transport"] = "InMemory" };

    public sealed class FirstStageConsumer(MessageSink sink) : RecordingConsumer<ArtifactApproved>(sink);

    public sealed class SecondStageConsumer(MessageSink sink) : RecordingConsumer<ArtifactApproved>(sink);

    [Fact]
    public async Task Two_stages_in_one_in_memory_host_both_receive_a_published_message()
    {
        var sink = new MessageSink();
        await using var app = TestHost.Build(InMemory, bus =>
        {
            bus.AddStageConsumer<FirstStageConsumer>("first-stage");
            bus.AddStageConsumer<SecondStageConsumer>("second-stage");
        }, sink);
        await app.StartAsync();

        var approval = Samples.Approval();
        await app.Services.GetRequiredService<IPublishEndpoint>().Publish(approval);

        var first = await sink.WaitFor<ArtifactApproved>(nameof(FirstStageConsumer), m => m.DeploymentId == approval.DeploymentId);
        var second = await sink.WaitFor<ArtifactApproved>(nameof(SecondStageConsumer), m => m.DeploymentId == approval.DeploymentId);
        Assert.Equal(approval, first.Message);
        Assert.Equal(approval, second.Message);
        Assert.EndsWith("/first-stage", first.ReceiveContext.InputAddress.AbsolutePath, StringComparison.Ordinal);
        Assert.EndsWith("/second-stage", second.ReceiveContext.InputAddress.AbsolutePath, StringComparison.Ordinal);
        await app.StopAsync();
    }

    [Fact]
    public async Task Service_serves_metrics_and_health_over_http()
    {
        var sink = new MessageSink();
        await using var app = TestHost.Build(InMemory, bus => bus.AddStageConsumer<FirstStageConsumer>("first-stage"), sink);
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = app.BaseAddress() };
        var consumedBefore = await ConsumedApprovals(http);

        var approval = Samples.Approval();
        await app.Services.GetRequiredService<IPublishEndpoint>().Publish(approval);
        await sink.WaitFor<ArtifactApproved>(nameof(FirstStageConsumer), m => m.DeploymentId == approval.DeploymentId);

        using var health = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.True(health.IsSuccessStatusCode, await health.Content.ReadAsStringAsync());
        Assert.Contains("masstransit-bus", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // The consume is counted once the consumer has returned, just after the sink saw it.
        await Eventually.Holds(
            async () => await ConsumedApprovals(http) > consumedBefore,
            "/metrics counts the consumed approval",
            TimeSpan.FromSeconds(10));
        await app.StopAsync();
    }

    [Fact]
    public async Task A_message_without_a_deployment_id_goes_to_the_error_queue_without_reaching_the_consumer()
    {
        var sink = new MessageSink();
        await using var app = TestHost.Build(InMemory, bus => bus.AddStageConsumer<FirstStageConsumer>("first-stage"), sink);
        await app.StartAsync();
        var bus = app.Services.GetRequiredService<IBus>();
        var faults = new ReceiveFaultRecorder();
        bus.ConnectReceiveObserver(faults);

        await bus.Publish(Samples.Approval(Guid.Empty));

        var fault = await Eventually.Within(faults.First, "the invalid message to fault");
        Assert.IsType<InvalidMessageException>(fault);
        Assert.Contains("deploymentId is the empty UUID", fault.Message, StringComparison.Ordinal);
        Assert.Empty(sink.ReceivedBy(nameof(FirstStageConsumer)));
        await app.StopAsync();
    }

    private static async Task<double> ConsumedApprovals(HttpClient http)
    {
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith("bpdp_messages_consumed_total{message=\"ArtifactApproved\",outcome=\"ok\"} ", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
