using Bpdp.Contracts;

namespace Bpdp.Trust.Scans;

/// <summary>The outcome of checking a scan verdict: verified (with which Scanner key), or the first reason it is not, in words an operator can act on.</summary>
public sealed record ScanVerdictCheck(RefusalReason? Reason, string Message)
{
    public bool IsVerified => Reason is null;

    public static ScanVerdictCheck Verified(string keyId) => new(null, $"scan verdict: verified with Scanner key '{keyId}'");

    public static ScanVerdictCheck Refused(RefusalReason reason, string message) => new(reason, message);
}
