using System.Text;
using System.Text.Json;
using Bpdp.Contracts;
using Bpdp.IntegrationTests.Bus;
using Bpdp.IntegrationTests.Distributed;
using Bpdp.IntegrationTests.Servers;
using Bpdp.Platform.Bus.Identity;
using Bpdp.Testing;
using MassTransit;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Bpdp.IntegrationTests.Trust;

/// <summary>
/// Every identity is its own broker user, made by <see cref="BrokerUsers"/> as <c>bpdp broker users</c> makes them,
/// and <c>bpdp up</c> runs the stages as one more: messages forged with another identity's credentials — an
/// <c>ImagePublished</c>, a passed <c>ImageScanned</c>, a <c>DeployGreen</c>, a <c>CutOverTraffic</c>, an abort, a
/// promotion — are refused by the broker (no permission to publish that type, or a <c>user_id</c> that is not the sender's) or by the
/// consuming stage (a message from a user that does not own its type, a failure named after another stage, a
/// message without <c>user_id</c>), each refusal recorded; a bad message from a rightful sender still reaches the
/// error queue; and a real approval, published as plain JSON by the approval system's user, goes live beside them.
/// The Notifier refuses the forged failure too, and notifies each refusal and the real completion once.
/// </summary>
[Collection(RealServersCollection.Name)]
public sealed class BusIdentityTests(RealServers servers, Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private const int AccessRefused = 403;
    private const int PreconditionFailed = 406;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-identity-").FullName;
    private readonly string run = Guid.NewGuid().ToString("N")[..8];

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task Each_identity_publishes_only_its_own_messages_while_a_real_deployment_goes_live()
    {
        var rabbit = await servers.RabbitMq();
        using var approvals = new ApprovalSigning();
        var up = await UpSettings.Create(rabbit, await servers.Registry(), await servers.Postgres(), folder, run, approvals.VerifierSettings(folder));
        var users = await CreateUsers(rabbit, up);
        up.Settings["RabbitMq:Username"] = users.Up.Name;
        up.Settings["RabbitMq:Password"] = users.Up.Password;
        foreach (var identity in Enum.GetValues<BusIdentity>())
        {
            up.Settings[$"{SenderOptions.Section}:{identity}"] = StageQueues.Stages.Contains(identity) ? $"{users[identity].Name},{users.Up.Name}" : users[identity].Name;
        }

        await using var hook = await WebhookReceiver.Start();
        await File.WriteAllTextAsync(Path.Combine(folder, "hook.secret"), "identity-" + run);
        foreach (var (key, value) in new Dictionary<string, string?>
        {
            ["Notifier:Routes:0:Name"] = "trust",
            ["Notifier:Routes:0:Triggers:0"] = nameof(MessageRefused),
            ["Notifier:Routes:0:Triggers:1"] = nameof(DeploymentFailed),
            ["Notifier:Routes:0:Triggers:2"] = nameof(DeploymentCompleted),
            ["Notifier:Routes:0:Sinks:0"] = "hook",
            ["Notifier:Sinks:hook:Kind"] = "Webhook",
            ["Notifier:Sinks:hook:Url"] = hook.Address.ToString(),
            ["Notifier:Sinks:hook:SecretFile"] = Path.Combine(folder, "hook.secret"),
        })
        {
            up.Settings[key] = value;
        }

        await using var cleanup = new QueueCleanup(rabbit, up.Queues);
        var sink = new MessageSink();
        string[] probes = [];
        await using var observer = TestHost.Build(rabbit.ServiceSettings(), bus => probes = bus.AddPipelineProbes($"identity-{run}"), sink);
        await observer.StartAsync();
        await using var probeCleanup = new QueueCleanup(rabbit, probes);
        await using var pipeline = await ServiceProcess.Start("bpdp.dll", FreeTcpPort.Next(), up.Settings, "up");
        try
        {
            await Attack(rabbit, up, users, approvals, sink, hook);
            // The permissions cover everything the stages themselves do: a refused declare, bind or publish closes a channel.
            Assert.DoesNotContain("ACCESS_REFUSED", pipeline.Log, StringComparison.Ordinal);
        }
        finally
        {
            output.WriteLine(pipeline.Log);
            foreach (var (queue, depth) in await QueueDepths(rabbit, up))
            {
                output.WriteLine($"queue {queue}: {depth}");
            }
        }
    }

    private async Task Attack(RabbitMqServer rabbit, UpSettings up, Users users, ApprovalSigning approvals, MessageSink sink, WebhookReceiver hook)
    {
        var policy = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "examples", "haz-fast", "v1.1.0.yaml"));
        var real = approvals.Approve(policy, environment: $"real-{run}");
        var unstamped = approvals.Approve(policy, environment: $"unstamped-{run}");
        var forged = Guid.NewGuid();

        // Refused by the broker: a type the user may not publish, and a user_id that is not the connection's.
        Assert.Equal(AccessRefused, await Publish(rabbit, users.Scanner, typeof(ImagePublished),
            Json(new ImagePublished(forged, DateTimeOffset.UtcNow, real.Target, Image(), real.PolicyVersion, "forged")), users.Scanner.Name));
        Assert.Equal(AccessRefused, await Publish(rabbit, users.Approver, typeof(DeployGreen),
            Json(new DeployGreen(forged, DateTimeOffset.UtcNow, real.Target, Image())), users.Approver.Name));
        Assert.Equal(PreconditionFailed, await Publish(rabbit, users.Scanner, typeof(ImageScanned),
            new Body("{}", PlainJson), users[BusIdentity.Publisher].Name));
        Assert.Equal(AccessRefused, await Publish(rabbit, users[BusIdentity.Publisher], typeof(ImageScanned),
            Envelope(new ImageScanned(forged, DateTimeOffset.UtcNow, real.Target, Image(), Passed: true, Findings: [], SbomDigest: null)), users[BusIdentity.Publisher].Name));
        Assert.Equal(AccessRefused, await Publish(rabbit, users[BusIdentity.KpiGate], typeof(CutOverTraffic),
            Envelope(new CutOverTraffic(forged, DateTimeOffset.UtcNow, real.Target, Color.Green)), users[BusIdentity.KpiGate].Name));
        Assert.Equal(AccessRefused, await Publish(rabbit, users.Scanner, typeof(AbortDeployment),
            Envelope(new AbortDeployment(forged, DateTimeOffset.UtcNow, "mallory", "forged")), users.Scanner.Name));
        Assert.Equal(AccessRefused, await Publish(rabbit, users.Approver, typeof(PromoteDeployment),
            Envelope(new PromoteDeployment(forged, DateTimeOffset.UtcNow, "mallory")), users.Approver.Name));

        // Refused by the consumer: the operators' user may write to the Coordinator's status exchange, not publish as the Publisher.
        Assert.Equal(0, await Publish(rabbit, users.Operator, StageQueues.StatusExchange(up.CoordinatorQueue),
            Envelope(new ImagePublished(forged, DateTimeOffset.UtcNow, real.Target, Image(), real.PolicyVersion, "forged")), users.Operator.Name, typeof(ImagePublished)));
        Assert.Equal(0, await Publish(rabbit, users.Approver, typeof(ArtifactApproved), Json(unstamped), userId: null));
        // A bad body from the rightful sender is not refused but parked, with its sender's user_id, in the error queue.
        Assert.Equal(0, await Publish(rabbit, users.Approver, typeof(ArtifactApproved), new Body("""{"deploymentId":5}""", PlainJson), users.Approver.Name));

        await using (new UsersOfTheLiveService(sink, nameof(PipelineEvents.CutOver), c => c.DeploymentId == real.DeploymentId))
        {
            Assert.Equal(0, await Publish(rabbit, users.Approver, typeof(ArtifactApproved), Json(real), users.Approver.Name));
            await sink.WaitFor<GreenReady>(nameof(PipelineEvents.Ready), g => g.DeploymentId == real.DeploymentId, Patience);
            // Any stage may report a failure, but only its own.
            Assert.Equal(0, await Publish(rabbit, users.Scanner, typeof(DeploymentFailed),
                Envelope(new DeploymentFailed(real.DeploymentId, DateTimeOffset.UtcNow, real.Target, PipelineStage.Rollout, "forged by the Scanner's user")), users.Scanner.Name));
            await sink.WaitFor<DeploymentCompleted>(nameof(PipelineEvents.Completed), c => c.DeploymentId == real.DeploymentId, Patience);
        }

        Guid[] ids = [real.DeploymentId, unstamped.DeploymentId, forged];
        await Eventually.Holds(() => Task.FromResult(Refusals(sink, ids).Count == 8), "each forged message is refused by every stage it reached", Patience);
        var refusals = Refusals(sink, ids);
        Assert.Equal(
            [
                (unstamped.DeploymentId, PipelineStage.Builder, nameof(ArtifactApproved)),
                (unstamped.DeploymentId, PipelineStage.KpiGate, nameof(ArtifactApproved)),
                (unstamped.DeploymentId, PipelineStage.Coordinator, nameof(ArtifactApproved)),
                (unstamped.DeploymentId, PipelineStage.Notifier, nameof(ArtifactApproved)),
                (real.DeploymentId, PipelineStage.KpiGate, nameof(DeploymentFailed)),
                (real.DeploymentId, PipelineStage.Coordinator, nameof(DeploymentFailed)),
                (real.DeploymentId, PipelineStage.Notifier, nameof(DeploymentFailed)),
                (forged, PipelineStage.Coordinator, nameof(ImagePublished)),
            ],
            refusals.Select(r => (r.DeploymentId, r.Stage, r.MessageType)).OrderBy(r => r.MessageType, StringComparer.Ordinal).ThenBy(r => r.Stage));
        Assert.All(refusals, r => Assert.Equal(RefusalReason.NotAuthorized, r.Reason));
        Assert.Contains(refusals, r => r.MessageType == nameof(ImagePublished) && r.Detail.Contains($"sent by broker user '{users.Operator.Name}'", StringComparison.Ordinal));
        Assert.Contains(refusals, r => r.MessageType == nameof(ArtifactApproved) && r.Detail.StartsWith("ArtifactApproved carries no AMQP user_id", StringComparison.Ordinal));
        Assert.Contains(refusals, r => r.MessageType == nameof(DeploymentFailed) && r.Detail.StartsWith("DeploymentFailed names the Rollout", StringComparison.Ordinal));
        Assert.Empty(sink.Of<PipelineEvents.Scanned, ImageScanned>(unstamped.DeploymentId));

        await Eventually.Holds(() => Task.FromResult(hook.Requests.Count == 9), "each refusal and the completion were notified", Patience);
        var notified = hook.Requests.Select(r => (r.Headers["X-Bpdp-Event"], JsonDocument.Parse(r.Text).RootElement.GetProperty("deploymentId").GetGuid())).ToList();
        Assert.Equal(8, notified.Count(n => n.Item1 == nameof(MessageRefused)));
        Assert.Equal([(nameof(DeploymentCompleted), real.DeploymentId)], notified.Where(n => n.Item1 != nameof(MessageRefused)));

        await using var probe = await RabbitMqProbe.Connect(rabbit);
        var parked = await probe.NextIn($"{up.Queues[0]}_error");
        Assert.Equal("""{"deploymentId":5}""", Encoding.UTF8.GetString(parked.Body.Span));

        var asOperator = rabbit.ServiceSettingsAs(users.Operator.Name, users.Operator.Password);
        var (exit, status, error) = await CliProcess.Run(asOperator,
            "status", real.DeploymentId.ToString(), "--coordinator-queue", up.CoordinatorQueue, "--rollout-queue", up.RolloutQueue, "--output", "json");
        Assert.True(exit == 0, error);
        var answer = JsonDocument.Parse(status).RootElement;
        Assert.Equal("Live", answer.GetProperty("state").GetString());
        var serving = answer.GetProperty("serving");
        var live = serving.GetProperty("colors").EnumerateArray().Single(c => c.GetProperty("color").GetString() == serving.GetProperty("live").GetString());
        Assert.Equal(real.DeploymentId.ToString(), live.GetProperty("deploymentId").GetString());

        // A Rollout queue the operator's user may not ask (here: the default name) costs the serving part only, within its timeout.
        (exit, status, error) = await CliProcess.Run(asOperator, "status", real.DeploymentId.ToString(), "--coordinator-queue", up.CoordinatorQueue, "--output", "json");
        Assert.True(exit == 0, error);
        answer = JsonDocument.Parse(status).RootElement;
        Assert.Equal(("Live", false), (answer.GetProperty("state").GetString(), answer.GetProperty("serving").GetProperty("reported").GetBoolean()));
    }

    private static async Task<List<(string Queue, string Depth)>> QueueDepths(RabbitMqServer rabbit, UpSettings up)
    {
        using var http = BrokerUsers.Client(rabbit.Management, rabbit.User, rabbit.Password);
        var queues = JsonDocument.Parse(await http.GetStringAsync("api/queues")).RootElement.EnumerateArray()
            .Where(q => up.Queues.Any(name => q.GetProperty("name").GetString()!.StartsWith(name, StringComparison.Ordinal)));
        return [.. queues.Select(q => (q.GetProperty("name").GetString()!, q.ToString().Length > 0 && q.TryGetProperty("messages", out var m) ? m.ToString() : "?"))];
    }

    private async Task<Users> CreateUsers(RabbitMqServer rabbit, UpSettings up)
    {
        using var http = BrokerUsers.Client(rabbit.Management, rabbit.User, rabbit.Password);
        var broker = new BrokerUsers(http, "/");
        var passwords = new DirectoryInfo(Path.Combine(folder, "broker-users"));
        string QueueOf(BusIdentity stage) => up.Settings[$"{stage}:Queue"]!;
        var users = new Dictionary<BusIdentity, User>();
        foreach (var identity in Enum.GetValues<BusIdentity>())
        {
            var name = SenderOptions.UserName($"t{run}-", identity);
            var file = await broker.Ensure(name, BrokerPermissions.For(identity, QueueOf), passwords, CancellationToken.None);
            users[identity] = new User(name, await File.ReadAllTextAsync(file));
        }

        var upName = $"t{run}-up";
        var upFile = await broker.Ensure(upName, BrokerPermissions.Union(StageQueues.Stages.Select(s => BrokerPermissions.For(s, QueueOf))), passwords, CancellationToken.None);
        return new Users(users, new User(upName, await File.ReadAllTextAsync(upFile)));
    }

    /// <summary>Publishes as <paramref name="user"/> with publisher confirms; the broker's reply code when it closed the channel instead, else 0.</summary>
    private static Task<int> Publish(RabbitMqServer rabbit, User user, Type messageType, Body body, string? userId) =>
        Publish(rabbit, user, PipelineMessageTypes.ExchangeName(messageType), body, userId, messageType);

    private static async Task<int> Publish(RabbitMqServer rabbit, User user, string exchange, Body body, string? userId, Type messageType)
    {
        await using var connection = await rabbit.ConnectAs(user.Name, user.Password);
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var properties = new BasicProperties
        {
            ContentType = body.ContentType,
            MessageId = Guid.NewGuid().ToString(),
            UserId = userId,
            DeliveryMode = DeliveryModes.Persistent,
            Type = PipelineMessageTypes.MessageUrn(messageType),
        };
        try
        {
            await channel.BasicPublishAsync(exchange, routingKey: "", mandatory: false, properties, Encoding.UTF8.GetBytes(body.Content));
            return 0;
        }
        catch (Exception e) when (e is OperationInterruptedException or AlreadyClosedException or RabbitMQ.Client.Exceptions.PublishException)
        {
            return channel.CloseReason?.ReplyCode ?? -1;
        }
    }

    private const string PlainJson = "application/json";

    private static Body Json<T>(T message) => new(JsonSerializer.Serialize(message, ContractJson.Options), PlainJson);

    // As another stage's MassTransit bus would send it, so that a queue that reads several types knows which this is.
    private const string EnvelopeMarker = "application/vnd.masstransit+json";

    private static Body Envelope<T>(T message) => new(JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["messageId"] = Guid.NewGuid(),
        ["messageType"] = new[] { PipelineMessageTypes.MessageUrn(typeof(T)) },
        ["sentTime"] = DateTime.UtcNow,
        ["message"] = JsonSerializer.SerializeToElement(message, ContractJson.Options),
    }), EnvelopeMarker);

    private static ImageReference Image() => new("127.0.0.1:5000/quarantine/forged", "sha256:" + new string('a', 64));

    private static List<MessageRefused> Refusals(MessageSink sink, Guid[] ids) =>
        [.. sink.ReceivedBy(nameof(PipelineEvents.Refused)).OfType<ConsumeContext<MessageRefused>>().Select(c => c.Message).Where(r => ids.Contains(r.DeploymentId))
            .DistinctBy(r => (r.DeploymentId, r.Stage, r.MessageType, r.Reason))];

    private sealed record Body(string Content, string ContentType);

    private sealed record User(string Name, string Password);

    private sealed record Users(Dictionary<BusIdentity, User> All, User Up)
    {
        public User this[BusIdentity identity] => All[identity];

        public User Scanner => All[BusIdentity.Scanner];

        public User Approver => All[BusIdentity.Approver];

        public User Operator => All[BusIdentity.Operator];
    }
}
