using Bpdp.Contracts;
using MassTransit;

namespace Bpdp.Platform.Bus.Identity;

/// <summary>
/// Who publishes and who consumes each message type: the one table from which consumers decide whose
/// messages they accept and <see cref="BrokerPermissions"/> decides what each broker user may touch.
/// </summary>
public static class MessageRoutes
{
    private static readonly BusIdentity[] FailingStages =
        [BusIdentity.Builder, BusIdentity.Scanner, BusIdentity.Publisher, BusIdentity.Rollout, BusIdentity.KpiGate, BusIdentity.Coordinator];

    private static readonly Dictionary<Type, BusIdentity[]> Publishers = new()
    {
        [typeof(ArtifactApproved)] = [BusIdentity.Approver],
        [typeof(ArtifactRejected)] = [BusIdentity.Builder],
        [typeof(ImageBuilt)] = [BusIdentity.Builder],
        [typeof(ImageScanned)] = [BusIdentity.Scanner],
        [typeof(ImagePublished)] = [BusIdentity.Publisher],
        [typeof(GreenReady)] = [BusIdentity.Rollout],
        [typeof(TrafficCutOver)] = [BusIdentity.Rollout],
        [typeof(RolledBack)] = [BusIdentity.Rollout],
        [typeof(KpiPassed)] = [BusIdentity.KpiGate],
        [typeof(KpiFailed)] = [BusIdentity.KpiGate],
        [typeof(DeployGreen)] = [BusIdentity.Coordinator],
        [typeof(CutOverTraffic)] = [BusIdentity.Coordinator],
        [typeof(RollBackDeployment)] = [BusIdentity.Coordinator],
        [typeof(FinalizeDeployment)] = [BusIdentity.Coordinator],
        [typeof(DeploymentCompleted)] = [BusIdentity.Coordinator],
        [typeof(DeploymentRolledBack)] = [BusIdentity.Coordinator],
        [typeof(DeploymentRejected)] = [BusIdentity.Coordinator],
        [typeof(StageTimedOut)] = [BusIdentity.Coordinator],
        [typeof(DeploymentStatus)] = [BusIdentity.Coordinator],
        [typeof(DeploymentFailed)] = FailingStages,
        [typeof(MessageRefused)] = [.. FailingStages, BusIdentity.Notifier, BusIdentity.Console],
        [typeof(AbortDeployment)] = [BusIdentity.Operator, BusIdentity.Console],
        [typeof(PromoteDeployment)] = [BusIdentity.Operator, BusIdentity.Console],
        [typeof(GetDeploymentStatus)] = [BusIdentity.Operator, BusIdentity.Approver],
        [typeof(RecheckTarget)] = [BusIdentity.Coordinator],
        [typeof(GetServing)] = [BusIdentity.Operator, BusIdentity.Approver],
        [typeof(ServingNow)] = [BusIdentity.Rollout],
    };

    private static readonly Dictionary<BusIdentity, Type[]> Consumed = new()
    {
        [BusIdentity.Builder] = [typeof(ArtifactApproved)],
        [BusIdentity.Scanner] = [typeof(ImageBuilt)],
        [BusIdentity.Publisher] = [typeof(ImageScanned)],
        [BusIdentity.Rollout] = [typeof(DeployGreen), typeof(CutOverTraffic), typeof(RollBackDeployment), typeof(FinalizeDeployment), typeof(GetServing)],
        [BusIdentity.KpiGate] =
        [
            typeof(ArtifactApproved), typeof(GreenReady), typeof(TrafficCutOver), typeof(DeploymentRolledBack), typeof(DeploymentFailed), typeof(DeploymentCompleted),
        ],
        [BusIdentity.Coordinator] =
        [
            typeof(ArtifactApproved), typeof(ArtifactRejected), typeof(ImageBuilt), typeof(ImageScanned), typeof(ImagePublished), typeof(GreenReady),
            typeof(KpiPassed), typeof(KpiFailed), typeof(TrafficCutOver), typeof(RolledBack), typeof(DeploymentFailed), typeof(StageTimedOut),
            typeof(AbortDeployment), typeof(PromoteDeployment), typeof(GetDeploymentStatus), typeof(RecheckTarget),
            typeof(Fault<ArtifactApproved>), typeof(Fault<ImageBuilt>), typeof(Fault<ImageScanned>), typeof(Fault<DeployGreen>),
            typeof(Fault<CutOverTraffic>), typeof(Fault<RollBackDeployment>),
        ],
        [BusIdentity.Ledger] = [typeof(IPipelineMessage)],
        [BusIdentity.Notifier] =
        [
            typeof(ArtifactApproved), typeof(ImageBuilt), typeof(ArtifactRejected), typeof(KpiFailed), typeof(DeploymentRolledBack), typeof(DeploymentCompleted),
            typeof(DeploymentFailed),
            typeof(StageTimedOut), typeof(MessageRefused),
        ],
        [BusIdentity.Console] = PipelineMessageTypes.All.ToArray(),
        [BusIdentity.Approver] = [],
        [BusIdentity.Operator] = [],
    };

    /// <summary>The message types <paramref name="identity"/> consumes on its queue.</summary>
    public static IReadOnlyList<Type> ConsumedBy(BusIdentity identity) => Consumed[identity];

    /// <summary>
    /// The message types whose exchanges <paramref name="identity"/> binds to its queue directly, besides what it consumes:
    /// the Ledger binds every pipeline message's, so that a message is recorded from the first one, whoever publishes it
    /// (the feed <c>Bpdp.Contracts:IPipelineMessage</c> is fed by a message type's exchange only once a MassTransit
    /// publisher has declared that binding; a plain JSON publisher declares none).
    /// </summary>
    public static IReadOnlyList<Type> RecordedBy(BusIdentity identity) => identity == BusIdentity.Ledger ? PipelineMessageTypes.All : [];

    /// <summary>
    /// The message types <paramref name="identity"/> publishes, faults of what it consumes included — except for the
    /// console, which only watches: it publishes no fault (its endpoint is configured not to), so none is accepted from it.
    /// </summary>
    public static IReadOnlyList<Type> PublishedBy(BusIdentity identity) =>
        [.. Publishers.Where(p => p.Value.Contains(identity)).Select(p => p.Key),
         .. ConsumedBy(identity).Where(type => IsContract(type) && identity != BusIdentity.Console).Select(type => typeof(Fault<>).MakeGenericType(type))];

    /// <summary>
    /// The identities that may publish <paramref name="messageType"/>, or null for a type that is not the
    /// pipeline's (a consumer does not judge those). A fault comes from the stages that consume what failed.
    /// </summary>
    public static IReadOnlyList<BusIdentity>? PublishersOf(Type messageType)
    {
        ArgumentNullException.ThrowIfNull(messageType);
        if (Publishers.TryGetValue(messageType, out var publishers))
        {
            return publishers;
        }

        if (messageType.IsGenericType && messageType.GetGenericTypeDefinition() == typeof(Fault<>))
        {
            var failed = messageType.GetGenericArguments()[0];
            return Consumed.Where(c => c.Key != BusIdentity.Console && c.Value.Contains(failed)).Select(c => c.Key).ToList();
        }

        return null;
    }

    /// <summary>Every message type with known publishers.</summary>
    public static IEnumerable<Type> Published => Publishers.Keys;

    private static bool IsContract(Type type) => type.Namespace == typeof(IPipelineMessage).Namespace;
}
