using System.Collections.Concurrent;

namespace Bpdp.Coordinator.TargetLocks;

/// <summary>The target locks of a single Coordinator process (the embedded mode).</summary>
internal sealed class InMemoryTargetLocks : ITargetLocks
{
    private readonly ConcurrentDictionary<string, Guid> holders = new(StringComparer.Ordinal);

    public Task<bool> TryEnter(string target, Guid deploymentId, CancellationToken cancel = default) =>
        Task.FromResult(holders.GetOrAdd(target, deploymentId) == deploymentId);

    public Task Leave(string target, Guid deploymentId, CancellationToken cancel = default)
    {
        holders.TryRemove(KeyValuePair.Create(target, deploymentId));
        return Task.CompletedTask;
    }
}
