using Microsoft.Extensions.Configuration;

namespace Bpdp.Platform.Bus.Identity;

/// <summary>Which stage owns a queue: <c>&lt;Stage&gt;:Queue</c> as each stage's options read it, or the stage's default name.</summary>
public sealed class StageQueues
{
    private readonly Dictionary<string, BusIdentity> stages;

    public StageQueues(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        stages = Stages.ToDictionary(stage => configuration[$"{stage}:Queue"] ?? DefaultQueue(stage), StringComparer.Ordinal);
    }

    /// <summary>The identities that own a queue of their own.</summary>
    public static IReadOnlyList<BusIdentity> Stages { get; } =
        [BusIdentity.Builder, BusIdentity.Scanner, BusIdentity.Publisher, BusIdentity.Rollout, BusIdentity.KpiGate, BusIdentity.Coordinator, BusIdentity.Ledger,
         BusIdentity.Notifier, BusIdentity.Console];

    /// <summary>A stage's queue when <c>&lt;Stage&gt;:Queue</c> is not set.</summary>
    public static string DefaultQueue(BusIdentity stage) => stage.Kebab();

    /// <summary>
    /// The exchange operators' tools send status requests to, bound to the Coordinator's queue. It has a name of its
    /// own because RabbitMQ grants by name: a user allowed to declare an exchange named like the queue could delete the queue.
    /// </summary>
    public static string StatusExchange(string coordinatorQueue) => $"{coordinatorQueue}-status";

    /// <summary>The exchange operators' tools send <see cref="Contracts.GetServing"/> requests to, bound to the Rollout's queue (named apart for the same reason).</summary>
    public static string ServingExchange(string rolloutQueue) => $"{rolloutQueue}-serving";

    /// <summary>The stage whose queue this is, if any.</summary>
    public BusIdentity? OwnerOf(string queue) => stages.TryGetValue(queue, out var stage) ? stage : null;
}
