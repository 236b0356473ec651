using Bpdp.Contracts;
using Bpdp.KpiGate.Runs;

namespace Bpdp.UnitTests.KpiGate;

/// <summary>The run store on a real SQLite file: one holder per run, measurements only from the holder, stops and supersedes that every replica sees.</summary>
public sealed class SqlAnalysisStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(15);
    private static readonly DeploymentTarget Target = new("osha", "production", "haz-fast", "1.1.0");
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-run-store-").FullName;
    private SqlAnalysisStore store = null!;

    public async Task InitializeAsync()
    {
        var dataSource = AnalysisTables.DataSource(AnalysisStoreKind.Sqlite, $"Data Source={Path.Combine(folder, "runs.db")};Pooling=False");
        await AnalysisTables.Create(dataSource, AnalysisStoreKind.Sqlite, "", "");
        store = new SqlAnalysisStore(dataSource, "");
    }

    public Task DisposeAsync()
    {
        Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }

    private static AnalysisRequest Request(Guid id, DeploymentTarget? target = null) => new(id, AnalysisPhase.PostPromotion, target ?? Target, Color.Green, "http://live/", T0);

    private static KpiMeasurement M(DateTimeOffset at) => new(at, "error-rate", 0.001, 0.01, MeasurementOutcome.Successful);

    [Fact]
    public async Task A_run_is_held_by_one_replica_until_its_lease_lapses_and_the_next_goes_on_from_its_measurements()
    {
        var id = Guid.NewGuid();
        Assert.True(await store.Open(Request(id), T0, default));
        Assert.False(await store.Open(Request(id), T0, default));

        var first = Assert.Single(await store.Claim("a", T0, Lease, 10, default));
        Assert.Empty(await store.Claim("b", T0.AddSeconds(14), Lease, 10, default));
        Assert.True((await store.Append(id, AnalysisPhase.PostPromotion, "a", 0, [M(T0.AddSeconds(5))], default)).Held);
        Assert.False((await store.Append(id, AnalysisPhase.PostPromotion, "b", 1, [M(T0.AddSeconds(6))], default)).Held);

        var second = Assert.Single(await store.Claim("b", T0.AddSeconds(16), Lease, 10, default));
        Assert.Equal((1, 2), (first.Claims, second.Claims));
        Assert.Equal([T0.AddSeconds(5)], second.Measurements.Select(m => m.MeasuredAt));
        var lost = await store.Renew(id, AnalysisPhase.PostPromotion, "a", T0.AddSeconds(17), Lease, default);
        Assert.False(lost.Held);
        Assert.Contains("b holds it now", lost.StoppedBecause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_newer_deployment_of_the_same_place_supersedes_and_a_stop_that_comes_first_keeps_a_late_request_from_opening()
    {
        var (older, newer, stopped) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await store.Open(Request(older), T0, default);
        Assert.Single(await store.Claim("a", T0, Lease, 10, default));
        await store.Open(Request(newer, Target with { PolicyVersion = "1.2.0" }), T0.AddSeconds(1), default);

        var superseded = await store.Renew(older, AnalysisPhase.PostPromotion, "a", T0.AddSeconds(2), Lease, default);
        Assert.Equal((false, $"superseded by deployment {newer} of haz-fast 1.2.0"), (superseded.Held, superseded.StoppedBecause));

        Assert.Equal(0, await store.Stop(stopped, "the deployment was rolled back", default));
        Assert.False(await store.Open(Request(stopped, Target with { Environment = "staging" }), T0.AddSeconds(3), default));
        var claimed = await store.Claim("a", T0.AddSeconds(4), Lease, 10, default);
        Assert.Equal([newer], claimed.Select(r => r.Request.DeploymentId));
    }
}
