using Bpdp.Contracts;

namespace Bpdp.Trust.Release;

/// <summary>The outcome of checking a release: verified (with which key), or refused with the evidence that failed and what exactly failed.</summary>
public sealed record ReleaseCheck(RefusalReason? Refusal, string Detail)
{
    public bool IsVerified => Refusal is null;

    public static ReleaseCheck Verified(string keyId) => new(null, $"release signature: verified with release key '{keyId}'");

    public static ReleaseCheck Refused(RefusalReason reason, string detail) => new(reason, detail);
}
