using Bpdp.Coordinator;
using Bpdp.Coordinator.Deadlines;
using MassTransit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bpdp.UnitTests.Coordinator;

/// <summary>The sweeper outlives a saga store that fails (a PostgreSQL restart): it logs, and sweeps again at the next interval.</summary>
public sealed class DeadlineSweeperTests
{
    private sealed class FailingOnce : IDeadlineSource
    {
        private int asked;

        public int Asked => Volatile.Read(ref asked);

        public Task<IReadOnlyList<ExpiredDeadline>> Expired(DateTimeOffset now, CancellationToken cancel) =>
            Interlocked.Increment(ref asked) == 1
                ? throw new InvalidOperationException("57P01: terminating connection due to administrator command")
                : Task.FromResult<IReadOnlyList<ExpiredDeadline>>([]);
    }

    [Fact]
    public async Task A_sweep_that_fails_is_followed_by_the_next_one_and_the_service_keeps_running()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var source = new FailingOnce();
        using var sweeper = new DeadlineSweeper(source, null!, clock, Options.Create(new CoordinatorOptions { SweepIntervalSeconds = 5 }), NullLogger<DeadlineSweeper>.Instance);
        await sweeper.StartAsync(CancellationToken.None);

        // The sweeper's timer starts on its own thread: the clock moves an interval at a time until it has swept twice.
        await Bpdp.Testing.Eventually.Holds(() =>
        {
            clock.Advance(TimeSpan.FromSeconds(5));
            return Task.FromResult(source.Asked >= 2);
        }, "the sweeper swept again after the failed sweep", TimeSpan.FromSeconds(10));

        Assert.False(sweeper.ExecuteTask!.IsCompleted, "the sweeper stopped after a failed sweep");
        await sweeper.StopAsync(CancellationToken.None);
        Assert.False(sweeper.ExecuteTask.IsFaulted);
    }
}
