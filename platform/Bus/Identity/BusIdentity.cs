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
}
