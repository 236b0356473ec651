using Bpdp.Notifier.Routing;
using Bpdp.Notifier.Store;
using Bpdp.Notifier.Triggers;
using static Bpdp.UnitTests.Notifier.NotifierSamples;

namespace Bpdp.UnitTests.Notifier;

public sealed class SqliteNotificationStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-03T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-notifier-store-").FullName;
    private NotificationDataSource? source;
    private SqlNotificationStore store = null!;

    public async Task InitializeAsync()
    {
        source = new NotificationDataSource(NotificationTables.DataSource(NotificationStoreKind.Sqlite, $"Data Source={Path.Combine(folder, "n.db")};Pooling=False"));
        await NotificationTables.Create(source.Source, NotificationStoreKind.Sqlite, "notifier");
        store = new SqlNotificationStore(source.Source, "");
    }

    public async Task DisposeAsync()
    {
        await source!.DisposeAsync();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task A_notification_enqueued_twice_is_one_row()
    {
        var notifications = Notifications(Guid.NewGuid(), "hook", "mail");

        Assert.Equal(2, await store.Enqueue(notifications, Now, default));
        Assert.Equal(0, await store.Enqueue(notifications, Now, default));
        Assert.Equal(2, (await store.List(null, notifications[0].DeploymentId, 10, default)).Count);
    }

    [Fact]
    public async Task A_claimed_notification_is_not_claimed_again_until_its_lease_lapses()
    {
        await store.Enqueue(Notifications(Guid.NewGuid(), "hook"), Now, default);

        Assert.Single(await store.Claim("a", Now, TimeSpan.FromSeconds(30), 10, default));
        Assert.Empty(await store.Claim("b", Now.AddSeconds(29), TimeSpan.FromSeconds(30), 10, default));
        Assert.Single(await store.Claim("b", Now.AddSeconds(31), TimeSpan.FromSeconds(30), 10, default));
    }

    [Fact]
    public async Task A_failed_attempt_waits_until_its_retry_and_the_last_one_is_undeliverable()
    {
        var notification = Notifications(Guid.NewGuid(), "hook").Single();
        await store.Enqueue([notification], Now, default);
        await store.Claim("a", Now, TimeSpan.FromSeconds(30), 10, default);

        await store.Failed(notification.Id, "a", 1, "sink 'hook': 127.0.0.1:9 answered 500 Internal Server Error", Now.AddSeconds(4), Now, default);
        Assert.Empty(await store.Claim("a", Now.AddSeconds(3), TimeSpan.FromSeconds(30), 10, default));
        var retried = Assert.Single(await store.Claim("a", Now.AddSeconds(4), TimeSpan.FromSeconds(30), 10, default));
        Assert.Equal(1, retried.Attempts);

        await store.Failed(notification.Id, "a", 2, "sink 'hook' did not answer within 10 s", null, Now.AddSeconds(5), default);
        Assert.Empty(await store.Claim("a", Now.AddDays(1), TimeSpan.FromSeconds(30), 10, default));
        var state = Assert.Single(await store.List(NotificationStatus.Undeliverable, null, 10, default));
        Assert.Equal((2, "sink 'hook' did not answer within 10 s", Now.AddSeconds(5)), (state.Attempts, state.LastError, state.FinishedAt));
    }

    [Fact]
    public async Task A_delivered_notification_stays_delivered_whatever_a_late_attempt_reports()
    {
        var notification = Notifications(Guid.NewGuid(), "hook").Single();
        await store.Enqueue([notification], Now, default);
        await store.Claim("a", Now, TimeSpan.FromSeconds(30), 10, default);

        await store.Delivered(notification.Id, "a", Now.AddSeconds(1), default);
        await store.Failed(notification.Id, "a", 2, "late", null, Now.AddSeconds(2), default);

        var state = Assert.Single(await store.List(null, notification.DeploymentId, 10, default));
        Assert.Equal((NotificationStatus.Delivered, 1, (string?)null), (state.Status, state.Attempts, state.LastError));
    }

    [Fact]
    public async Task A_replica_whose_lease_lapsed_changes_nothing_of_the_one_that_holds_it_now()
    {
        var notification = Notifications(Guid.NewGuid(), "hook").Single();
        await store.Enqueue([notification], Now, default);
        await store.Claim("slow", Now, TimeSpan.FromSeconds(30), 10, default);
        Assert.Single(await store.Claim("fast", Now.AddSeconds(31), TimeSpan.FromSeconds(30), 10, default));

        await store.Failed(notification.Id, "slow", 1, "late failure", null, Now.AddSeconds(32), default);
        Assert.Equal(NotificationStatus.Pending, Assert.Single(await store.List(null, notification.DeploymentId, 10, default)).Status);
        await store.Delivered(notification.Id, "fast", Now.AddSeconds(33), default);

        Assert.Equal(NotificationStatus.Delivered, Assert.Single(await store.List(null, notification.DeploymentId, 10, default)).Status);
    }

    [Fact]
    public async Task A_deployment_keeps_its_first_target_and_its_last_failed_gate()
    {
        var id = Guid.NewGuid();
        await store.RememberTarget(id, Osha, default);
        await store.RememberTarget(id, Osha with { Agency = "forged" }, default);
        await store.RememberMeasurements(id, Osha, Failed(id).Measurements, default);

        var facts = await store.Facts(id, default);

        Assert.Equal(Osha, facts.Target);
        Assert.Equal(Failed(id).Measurements, facts.Measurements);
        Assert.Equal(new DeploymentFacts(null, []), await store.Facts(Guid.NewGuid(), default));
    }

    private static List<Notification> Notifications(Guid deployment, params string[] sinks) =>
        Routes(null, Route("all", sinks: sinks)).For(Occurrences.From(Failed(deployment)), Osha, []).ToList();
}
