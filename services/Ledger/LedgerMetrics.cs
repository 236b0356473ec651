using Bpdp.Ledger.Chain;
using Prometheus;

namespace Bpdp.Ledger;

/// <summary>What the ledger recorded that someone should look at, on <c>/metrics</c>.</summary>
public static class LedgerMetrics
{
    /// <summary><c>bpdp_ledger_conflicts_total</c>: message ids recorded again with a different body.</summary>
    public static readonly Counter Conflicts = Metrics.CreateCounter(
        "bpdp_ledger_conflicts_total", "Message ids the ledger received again with a different body, each recorded as a MessageIdConflict entry.");

    /// <summary><c>bpdp_ledger_refused_total</c>: bodies recorded as refused (duplicate JSON keys, not JSON).</summary>
    public static readonly Counter Refused = Metrics.CreateCounter(
        "bpdp_ledger_refused_total", "Message bodies the ledger could not canonicalise unambiguously, each recorded as a RefusedMessage entry.");

    /// <summary>Counts a committed append's conflict and refused entries.</summary>
    public static void Appended(IReadOnlyList<LedgerEntry> entries, int conflicts)
    {
        Conflicts.Inc(conflicts);
        Refused.Inc(entries.Count(e => e.MessageType == ReceivedBody.RefusedType));
    }
}
