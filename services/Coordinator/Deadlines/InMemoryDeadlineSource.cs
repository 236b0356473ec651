using Bpdp.Coordinator.Saga;
using MassTransit;
using MassTransit.Saga;

namespace Bpdp.Coordinator.Deadlines;

/// <summary>
/// Expired deadlines of the in-memory saga repository (the embedded mode): one process, so no locking
/// is needed. A sweep may see a deployment in the middle of a transition; the saga ignores a timeout
/// whose deadline is no longer its own.
/// </summary>
internal sealed class InMemoryDeadlineSource(IQuerySagaRepository<DeploymentState> query, ILoadSagaRepository<DeploymentState> load) : IDeadlineSource
{
    public async Task<IReadOnlyList<ExpiredDeadline>> Expired(DateTimeOffset now, CancellationToken cancel)
    {
        var ids = await query.Find(new SagaQuery<DeploymentState>(s => s.DeadlineAt != null && s.DeadlineAt <= now));
        var expired = new List<ExpiredDeadline>();
        foreach (var id in ids)
        {
            if (await load.Load(id) is { DeadlineAt: { } deadline } saga && deadline <= now)
            {
                expired.Add(new ExpiredDeadline(id, saga.CurrentState, deadline));
            }
        }

        return expired;
    }
}
