using Bpdp.Contracts;

namespace Bpdp.Trust.Release;

/// <summary>
/// The outcome of one check of a release: verified, refused with the evidence that failed and what exactly failed, or
/// skipped because the evidence it reads did not verify. <see cref="Detail"/> begins with the check's name
/// (<c>release signature: …</c>, <c>provenance: …</c>).
/// </summary>
public sealed record ReleaseCheck(RefusalReason? Refusal, string Detail, bool Skipped = false)
{
    public bool IsVerified => Refusal is null && !Skipped;

    public static ReleaseCheck Verified(string keyId) => new(null, $"release signature: verified with release key '{keyId}'");

    public static ReleaseCheck Passed(string detail) => new(null, detail);

    public static ReleaseCheck Refused(RefusalReason reason, string detail) => new(reason, detail);

    public static ReleaseCheck Skip(string detail) => new(null, detail, Skipped: true);
}
