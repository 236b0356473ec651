using System.Text;
using System.Text.Json.Nodes;
using Bpdp.Contracts;
using Bpdp.Notifier.Delivery;
using Bpdp.Notifier.Routing;
using Bpdp.Notifier.Sinks;
using Bpdp.Notifier.Store;
using Bpdp.Testing;
using static Bpdp.UnitTests.Notifier.NotifierSamples;

namespace Bpdp.UnitTests.Notifier;

/// <summary>The Notifier on the in-memory bus against a real local HTTP receiver: what is sent, how often, and what is given up.</summary>
public sealed class NotifierDeliveryTests
{
    private static Dictionary<string, string?> OneRoute(string trigger, string sink = "hook") => new()
    {
        ["Notifier:Routes:0:Name"] = "ops",
        ["Notifier:Routes:0:Triggers:0"] = trigger,
        ["Notifier:Routes:0:Sinks:0"] = sink,
    };

    [Fact]
    public async Task A_failed_gate_is_sent_once_signed_with_its_evidence_however_often_the_event_arrives()
    {
        await using var host = await NotifierHost.Start(new Dictionary<string, string?>(OneRoute("KpiFailed"))
        {
            ["Notifier:Routes:0:Triggers:1"] = "DeploymentCompleted",
        });
        var id = Guid.NewGuid();

        await host.Bus.Publish(Failed(id));
        await host.Bus.Publish(Failed(id));
        await Eventually.Holds(async () => (await host.Notifications()).Notifications.Any(n => n.Status == NotificationStatus.Delivered), "the notification was delivered");
        await host.Bus.Publish(Failed(id));
        await host.Bus.Publish(new DeploymentCompleted(id, DateTimeOffset.UtcNow, Osha, new ImageReference("registry/haz-fast", "sha256:" + new string('a', 64)), Color.Green));
        await Eventually.Holds(async () => (await host.Notifications()).Notifications.Count(n => n.Status == NotificationStatus.Delivered) == 2, "both notifications were delivered");

        Assert.Equal(["KpiFailed", "DeploymentCompleted"], host.Receiver.Requests.Select(r => r.Headers["X-Bpdp-Event"]));
        var request = host.Receiver.Requests.First();
        Assert.Equal("/hook", request.Path);
        Assert.True(WebhookSignature.Verify(request.Body, Encoding.UTF8.GetBytes(host.Secret), request.Headers[WebhookSignature.Header]));
        var body = JsonNode.Parse(request.Text)!;
        Assert.Equal("KpiFailed", body["trigger"]!.GetValue<string>());
        Assert.Equal("haz-fast 1.1.0 on osha/production: pre-promotion KPI gate failed", body["title"]!.GetValue<string>());
        Assert.Equal("error-rate failed 2 of 3 measurements (limit 1)", body["summary"]!.GetValue<string>());
        Assert.Equal("error-rate: 2 of 3 measurements failed; worst 0.31, last 0.2; threshold 0.05", body["details"]![0]!.GetValue<string>());
        Assert.Equal(4, body["measurements"]!.AsArray().Count);
        Assert.Equal($"http://console.test:8088/deployments/{id}", body["link"]!.GetValue<string>());
        Assert.Equal(body["id"]!.GetValue<string>(), request.Headers["X-Bpdp-Delivery"]);
    }

    [Fact]
    public async Task A_receiver_answering_500_is_tried_again_with_the_same_delivery_until_it_accepts()
    {
        await using var host = await NotifierHost.Start(OneRoute("DeploymentFailed"));
        host.Receiver.Answers.Enqueue(500);
        host.Receiver.Answers.Enqueue(503);
        var id = Guid.NewGuid();

        await host.Bus.Publish(new DeploymentFailed(id, DateTimeOffset.UtcNow, Osha, PipelineStage.Publisher, "the registry refused the push: 507 Insufficient Storage"));
        await Eventually.Holds(async () => (await host.Notifications()).Notifications.Any(n => n.Status == NotificationStatus.Delivered), "the notification was delivered");

        var state = Assert.Single((await host.Notifications($"?deployment={id}")).Notifications);
        Assert.Equal((3, "sink 'hook': 127.0.0.1:" + host.Receiver.Address.Port + " answered 503 Service Unavailable"), (state.Attempts, state.LastError));
        Assert.Equal(3, host.Receiver.Requests.Count);
        Assert.Single(host.Receiver.Requests.Select(r => r.Text).Distinct());
        Assert.Single(host.Receiver.Requests.Select(r => r.Headers["X-Bpdp-Delivery"]).Distinct());
    }

    [Fact]
    public async Task A_receiver_that_never_answers_is_given_up_shown_undeliverable_and_copied_to_the_error_queue()
    {
        await using var host = await NotifierHost.Start(new Dictionary<string, string?>(OneRoute("StageTimedOut"))
        {
            ["Notifier:TimeoutSeconds"] = "1",
            ["Notifier:Attempts"] = "2",
        });
        host.Receiver.Hang = true;
        var id = Guid.NewGuid();

        await host.Bus.Publish(new StageTimedOut(id, DateTimeOffset.UtcNow, PipelineStage.Rollout, DateTimeOffset.UtcNow.AddMinutes(-1)));
        var copied = await host.Sink.WaitFor<UndeliverableNotification>(nameof(NotifierHost.ErrorQueueProbe), n => n.DeploymentId == id);

        Assert.Equal((Trigger.StageTimedOut, "ops", "hook", 2, "sink 'hook' did not answer within 1 s"),
            (copied.Message.Trigger, copied.Message.Route, copied.Message.Sink, copied.Message.Attempts, copied.Message.LastError));
        Assert.Equal($"Deployment {id}: the Rollout did not answer in time", copied.Message.Title);
        var state = Assert.Single((await host.Notifications("?status=Undeliverable")).Notifications);
        Assert.Equal((id, 2), (state.DeploymentId, state.Attempts));
        Assert.Equal(2, host.Receiver.Requests.Count);
    }

    [Fact]
    public async Task A_rollback_says_which_measurements_breached_from_the_gate_that_failed()
    {
        await using var host = await NotifierHost.Start(OneRoute("DeploymentRolledBack"));
        var id = Guid.NewGuid();

        await host.Bus.Publish(Failed(id));
        await Eventually.Holds(async () => host.Receiver.Requests.IsEmpty && await Remembered(host, id), "the failed gate was remembered");
        await host.Bus.Publish(new DeploymentRolledBack(id, DateTimeOffset.UtcNow, Osha, "the pre-promotion gate failed: error-rate failed 2 of 3 measurements (limit 1)"));
        await Eventually.Holds(() => Task.FromResult(host.Receiver.Requests.Count == 1), "the rollback was notified");

        var body = JsonNode.Parse(host.Receiver.Requests.Single().Text)!;
        Assert.Equal("haz-fast 1.1.0 on osha/production: rolled back: traffic is on the previous version", body["title"]!.GetValue<string>());
        Assert.Equal("error-rate: 2 of 3 measurements failed; worst 0.31, last 0.2; threshold 0.05", body["details"]![0]!.GetValue<string>());
        Assert.Equal(0.31, body["measurements"]![1]!["value"]!.GetValue<double>());
    }

    [Fact]
    public async Task Slack_and_teams_get_their_own_shapes_with_the_console_link()
    {
        await using var host = await NotifierHost.Start(new Dictionary<string, string?>
        {
            ["Notifier:Routes:0:Name"] = "chat",
            ["Notifier:Routes:0:Sinks:0"] = "slack",
            ["Notifier:Routes:0:Sinks:1"] = "teams",
            ["Notifier:Sinks:slack:Kind"] = "Slack",
            ["Notifier:Sinks:slack:Url"] = "{receiver}slack",
            ["Notifier:Sinks:teams:Kind"] = "Teams",
            ["Notifier:Sinks:teams:Url"] = "{receiver}teams",
        });
        var id = Guid.NewGuid();

        await host.Bus.Publish(Failed(id));
        await Eventually.Holds(() => Task.FromResult(host.Receiver.Requests.Count == 2), "both chats were notified");

        var slack = JsonNode.Parse(host.Receiver.Requests.Single(r => r.Path == "/slack").Text)!;
        Assert.Equal("haz-fast 1.1.0 on osha/production: pre-promotion KPI gate failed", slack["text"]!.GetValue<string>());
        Assert.EndsWith($"<http://console.test:8088/deployments/{id}|Open in the BPDP console>", slack["blocks"]![0]!["text"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        var teams = JsonNode.Parse(host.Receiver.Requests.Single(r => r.Path == "/teams").Text)!;
        var card = teams["attachments"]![0]!["content"]!;
        Assert.Equal("AdaptiveCard", card["type"]!.GetValue<string>());
        Assert.Equal($"http://console.test:8088/deployments/{id}", card["actions"]![0]!["url"]!.GetValue<string>());
        Assert.DoesNotContain(host.Receiver.Requests, r => r.Headers.ContainsKey(WebhookSignature.Header));
    }

    private static async Task<bool> Remembered(NotifierHost host, Guid id)
    {
        var store = (INotificationStore)host.App.Services.GetService(typeof(INotificationStore))!;
        return (await store.Facts(id, default)).Measurements.Count == 4;
    }
}
