using System.Collections.Concurrent;
using Bpdp.Contracts;

namespace Bpdp.WebConsole.Board;

/// <summary>
/// Every deployment the console has heard of, from its own queue and from the ledger at start: one message id is
/// applied once however often it arrives. Pages are computed from the events on demand; watchers hear of each change.
/// </summary>
public sealed class DeploymentBoard
{
    private readonly ConcurrentDictionary<Guid, Deployment> deployments = new();
    private long arrivals;

    /// <summary>Raised after a deployment changed, with its id: what the live page listens to.</summary>
    public event Action<Guid>? Changed;

    /// <summary>Adds a message; false when its id was already applied.</summary>
    public bool Add(Guid messageId, IPipelineMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var deployment = deployments.GetOrAdd(message.DeploymentId, _ => new Deployment());
        lock (deployment)
        {
            if (!deployment.Ids.Add(messageId))
            {
                return false;
            }

            deployment.Events.Add(new Projection.Seen(messageId, message, Interlocked.Increment(ref arrivals)));
            deployment.Cached = null;
        }

        Changed?.Invoke(message.DeploymentId);
        return true;
    }

    /// <summary>Every deployment, the newest first.</summary>
    public IReadOnlyList<DeploymentSummary> List() =>
        [.. deployments.Keys.Select(Detail).OfType<DeploymentDetail>().Select(d => d.Summary).OrderByDescending(s => s.StartedAt)];

    public DeploymentDetail? Detail(Guid id)
    {
        if (!deployments.TryGetValue(id, out var deployment))
        {
            return null;
        }

        lock (deployment)
        {
            return deployment.Events.Count == 0 ? null : deployment.Cached ??= Projection.Of(id, deployment.Events);
        }
    }

    private sealed class Deployment
    {
        public HashSet<Guid> Ids { get; } = [];

        public List<Projection.Seen> Events { get; } = [];

        public DeploymentDetail? Cached { get; set; }
    }
}
