using System.Text.Json.Serialization;

namespace Bpdp.Contracts;

/// <summary>Why a stage refused to act on a message: the evidence that did not hold.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RefusalReason>))]
public enum RefusalReason
{
    /// <summary>The deployment never began with an approval this stage verified itself.</summary>
    NotApproved,

    /// <summary>The approval itself did not verify; the detail names the check.</summary>
    ApprovalRefused,

    /// <summary>The message names another agency, environment, policy or version than the deployment's approval.</summary>
    TargetMismatch,

    /// <summary>The message names another image than the stage before it reported.</summary>
    DigestMismatch,

    /// <summary>The message or the artifact it names carries no signature.</summary>
    MissingSignature,

    /// <summary>A signature does not verify with the trusted key it names, or names no trusted key.</summary>
    InvalidSignature,

    /// <summary>The signer may not do this: another agency, another role, or a key outside its validity.</summary>
    NotAuthorized,

    /// <summary>The message is older than the stage accepts, or dated in the future.</summary>
    Stale,

    /// <summary>The artifact is in another registry than the one this stage reads and deploys releases from.</summary>
    UntrustedRegistry,

    /// <summary>The image's signed scan verdict does not say it passed.</summary>
    ScanNotPassed,
}
