using Bpdp.Contracts;
using Bpdp.Coordinator.Saga;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Bpdp.Coordinator.Deadlines;

/// <summary>
/// Publishes <see cref="StageTimedOut"/> for every expired deadline, every <c>Coordinator:SweepIntervalSeconds</c>
/// (and <see cref="RecheckTarget"/> for a deployment waiting for its target, whose deadline is its next look).
/// Deadlines live in the saga state rather than in a message scheduler (RabbitMQ here has no delayed
/// exchange), so they hold while a stage's service is down and survive Coordinator restarts. The saga
/// acts on a timeout only when its deadline still matches, so a repeated sweep changes nothing.
/// </summary>
public sealed partial class DeadlineSweeper(IDeadlineSource deadlines, IBus bus, TimeProvider clock, IOptions<CoordinatorOptions> options, ILogger<DeadlineSweeper> logger)
    : BackgroundService
{
    /// <summary>One sweep: returns how many deadlines had passed.</summary>
    public async Task<int> SweepOnce(CancellationToken cancel = default)
    {
        var now = clock.GetUtcNow();
        var expired = await deadlines.Expired(now, cancel);
        foreach (var deadline in expired)
        {
            // A waiting deployment's deadline is when it looks at its target again, not a stage that failed to answer.
            if (deadline.State == nameof(DeploymentStateMachine.WaitingForTarget))
            {
                await bus.Publish(new RecheckTarget(deadline.DeploymentId, deadline.Deadline), cancel);
                continue;
            }

            LogTimedOut(deadline.DeploymentId, deadline.State, deadline.Deadline);
            await bus.Publish(new StageTimedOut(deadline.DeploymentId, now, StageOf(deadline.State), deadline.Deadline), cancel);
        }

        return expired.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.SweepIntervalSeconds), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepOnce(stoppingToken);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // The saga store or the broker restarting is no reason to stop the Coordinator: the deadlines are still there next time.
                LogSweepFailed(error.GetType().Name, error.Message);
            }
        }
    }

    /// <summary>
    /// The stage responsible for finishing <paramref name="state"/>, from <see cref="StateTable"/>. States with
    /// none (the final ones, which have no deadline to miss) and names that are no state answer Rollout.
    /// </summary>
    public static PipelineStage StageOf(string state) => StateTable.Find(state)?.Stage ?? PipelineStage.Rollout;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not sweep the deadlines ({Error}: {Reason}); trying again next interval")]
    private partial void LogSweepFailed(string error, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deployment {DeploymentId}: {State} passed its deadline {Deadline:O}")]
    private partial void LogTimedOut(Guid deploymentId, string state, DateTimeOffset deadline);
}
