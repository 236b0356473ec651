using System.Text.RegularExpressions;
using Bpdp.Contracts;
using MassTransit;

namespace Bpdp.Platform.Bus.Identity;

/// <summary>One RabbitMQ user's permissions in a virtual host: regular expressions over resource names.</summary>
/// <param name="Configure">What it may declare and delete.</param>
/// <param name="Write">What it may publish to, or bind a queue or exchange to.</param>
/// <param name="Read">What it may consume from, or bind from.</param>
public sealed record BrokerPermissions(string Configure, string Write, string Read)
{
    /// <summary>
    /// The least an identity needs to run: its own queues (<c>Q</c>, <c>Q_error</c>, <c>Q_skipped</c>) and temporary
    /// bus endpoint; the exchanges of what it consumes (declare, bind from) and of what it publishes, faults of what
    /// it consumes included; the ledger's feed (<c>Bpdp.Contracts:IPipelineMessage</c>) to write into but not read,
    /// except for the Ledger; and the exchanges status requests are sent to (<see cref="StageQueues.StatusExchange"/>,
    /// <see cref="StageQueues.ServingExchange"/>): the operators' tools write to them, the Coordinator and the Rollout bind them to their queues.
    /// </summary>
    /// <param name="identity">Whose permissions.</param>
    /// <param name="queueOf">The queue of each stage, as the stages are configured.</param>
    public static BrokerPermissions For(BusIdentity identity, Func<BusIdentity, string> queueOf)
    {
        ArgumentNullException.ThrowIfNull(queueOf);
        var own = new List<string> { BusEndpoint };
        if (StageQueues.Stages.Contains(identity))
        {
            var queue = Regex.Escape(queueOf(identity));
            own.AddRange([queue, $"{queue}_error", $"{queue}_skipped"]);
        }

        // Every fault lands in MassTransit:Fault, which a stage writes into and never reads; MassTransit:ReceiveFault is
        // also the source of its binding to MassTransit:Fault, which takes reading it.
        var stage = StageQueues.Stages.Contains(identity);
        var receiveFault = stage ? [Regex.Escape("MassTransit:ReceiveFault")] : new List<string>();
        var faultSinks = stage ? [.. receiveFault, Regex.Escape("MassTransit:Fault")] : new List<string>();

        var statusExchange = Regex.Escape(StageQueues.StatusExchange(queueOf(BusIdentity.Coordinator)));
        var servingExchange = Regex.Escape(StageQueues.ServingExchange(queueOf(BusIdentity.Rollout)));
        var statusBinding = identity switch
        {
            BusIdentity.Coordinator => [statusExchange],
            BusIdentity.Rollout => [servingExchange],
            _ => new List<string>(),
        };

        var consumed = MessageRoutes.ConsumedBy(identity).Concat(MessageRoutes.RecordedBy(identity)).Select(Exchange).ToList();
        var publishedTypes = MessageRoutes.PublishedBy(identity);
        var published = publishedTypes.Select(Exchange).ToList();
        var faults = publishedTypes.Where(IsFault).Select(type => type.GetGenericArguments()[0]).ToList();
        if (faults.Any(typeof(IPipelineMessage).IsAssignableFrom))
        {
            published.Add(Exchange(typeof(Fault<IPipelineMessage>)));
        }

        var feed = publishedTypes.Any(type => !IsFault(type) && typeof(IPipelineMessage).IsAssignableFrom(type)) ? [Exchange(typeof(IPipelineMessage))] : new List<string>();
        var status = identity is BusIdentity.Operator or BusIdentity.Approver ? [statusExchange, servingExchange] : new List<string>();

        return new BrokerPermissions(
            Configure: Pattern([.. own, .. consumed, .. published, .. feed, .. faultSinks, .. status, .. statusBinding]),
            Write: Pattern([.. own, .. published, .. feed, .. faultSinks, .. status]),
            Read: Pattern([.. own, .. consumed, .. published, .. receiveFault, .. statusBinding]));
    }

    /// <summary>The permissions of one user that runs several identities, e.g. <c>bpdp up</c>'s.</summary>
    public static BrokerPermissions Union(IEnumerable<BrokerPermissions> permissions)
    {
        ArgumentNullException.ThrowIfNull(permissions);
        var all = permissions.ToList();
        return new BrokerPermissions(Join(all.Select(p => p.Configure)), Join(all.Select(p => p.Write)), Join(all.Select(p => p.Read)));
    }

    /// <summary>The exchange MassTransit publishes a message type to.</summary>
    public static string ExchangeName(Type messageType)
    {
        ArgumentNullException.ThrowIfNull(messageType);
        return IsFault(messageType)
            ? $"MassTransit:Fault--{PipelineMessageTypes.ExchangeName(messageType.GetGenericArguments()[0])}--"
            : PipelineMessageTypes.ExchangeName(messageType);
    }

    // MassTransit names a bus's temporary endpoint <machine>_<process>_bus_<id>.
    private const string BusEndpoint = "[A-Za-z0-9._-]+_bus_[a-z0-9]+";

    private static string Exchange(Type type) => Regex.Escape(ExchangeName(type));

    private static bool IsFault(Type type) => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Fault<>);

    private static string Pattern(IEnumerable<string> alternatives) => $"^({string.Join('|', alternatives.Distinct(StringComparer.Ordinal))})$";

    private static string Join(IEnumerable<string> patterns) =>
        Pattern(patterns.SelectMany(p => p[2..^2].Split('|')).Where(p => p.Length > 0));
}
