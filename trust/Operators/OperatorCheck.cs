using Bpdp.Contracts;

namespace Bpdp.Trust.Operators;

/// <summary>
/// The outcome of checking an operator command's evidence: accepted, naming who gave it as verified
/// (<c>&lt;requestedBy&gt; (key &lt;keyId&gt;)</c>, for the record), or the first reason it is not, in words an operator can act on.
/// </summary>
public sealed record OperatorCheck(RefusalReason? Reason, string? Message, string? Operator)
{
    public bool IsAccepted => Reason is null;

    public static OperatorCheck Accepted(string requestedBy, string keyId) => new(null, null, $"{requestedBy} (key {keyId})");

    public static OperatorCheck Refused(RefusalReason reason, string message) => new(reason, message, null);
}
