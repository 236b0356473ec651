using System.Collections.Concurrent;
using Bpdp.Contracts;

namespace Bpdp.WebConsole.Board;

/// <summary>
/// Every deployment the console has heard of, from its own queue and from the ledger at start: one message id is
/// applied once however often it arrives. Pages are computed from the events on demand; watchers hear of each change.
/// </summary>
public sealed class DeploymentBoard(int maxDeployments = 5000)
{
    private readonly ConcurrentDictionary<Guid, Deployment> deployments = new();
    private readonly ConcurrentQueue<Guid> arrivalOrder = new();
    private long arrivals;

    /// <summary>Raised after a deployment changed, with its id: what the live page listens to.</summary>
    public event Action<Guid>? Changed;

    /// <summary>Adds a message; false when its id was already applied (a replayed one heard again through the queue becomes checked).</summary>
    /// <param name="messageId">The message's id.</param>
    /// <param name="message">The message.</param>
    /// <param name="verified">It came past the sender check; false for what the ledger replayed.</param>
    public bool Add(Guid messageId, IPipelineMessage message, bool verified = true)
    {
        ArgumentNullException.ThrowIfNull(message);
        var isNew = false;
        var deployment = deployments.GetOrAdd(message.DeploymentId, _ =>
        {
            isNew = true;
            return new Deployment();
        });
        if (isNew)
        {
            arrivalOrder.Enqueue(message.DeploymentId);
            LetGoOfTheOldest();
        }

        lock (deployment)
        {
            if (deployment.Ids.TryGetValue(messageId, out var index))
            {
                if (!verified || deployment.Events[index].Verified)
                {
                    return false;
                }

                deployment.Events[index] = deployment.Events[index] with { Verified = true };
            }
            else
            {
                deployment.Ids[messageId] = deployment.Events.Count;
                deployment.Events.Add(new Projection.Seen(messageId, message, Interlocked.Increment(ref arrivals), verified));
            }

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

    /// <summary>Past the limit, the deployments that arrived first and have ended leave the board; running ones stay.</summary>
    private void LetGoOfTheOldest()
    {
        var looked = 0;
        while (deployments.Count > maxDeployments && looked++ < deployments.Count && arrivalOrder.TryDequeue(out var oldest))
        {
            if (Detail(oldest) is { Summary.Outcome: null })
            {
                arrivalOrder.Enqueue(oldest);
            }
            else
            {
                deployments.TryRemove(oldest, out _);
            }
        }
    }

    private sealed class Deployment
    {
        public Dictionary<Guid, int> Ids { get; } = [];

        public List<Projection.Seen> Events { get; } = [];

        public DeploymentDetail? Cached { get; set; }
    }
}
