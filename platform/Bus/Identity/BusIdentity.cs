namespace Bpdp.Platform.Bus.Identity;

/// <summary>
/// Who may put a message on the bus: the approval system, the operators' tools and each stage. Every
/// identity is its own RabbitMQ user, named in <c>Bus:Senders:&lt;identity&gt;</c>.
/// </summary>
public enum BusIdentity
{
    Approver,
    Operator,
    Builder,
    Scanner,
    Publisher,
    Rollout,
    KpiGate,
    Coordinator,
    Ledger,
    Notifier,
    Console,
}

/// <summary>How an identity is spelt in broker names: its queue and its user.</summary>
public static class BusIdentityNames
{
    /// <summary><c>builder</c>, <c>kpi-gate</c>, <c>approver</c>, ….</summary>
    public static string Kebab(this BusIdentity identity) => identity == BusIdentity.KpiGate ? "kpi-gate" : identity.ToString().ToLowerInvariant();
}
