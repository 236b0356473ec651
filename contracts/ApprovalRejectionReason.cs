using System.Text.Json.Serialization;

namespace Bpdp.Contracts;

/// <summary>Why the Builder refused an approval; each has its own fix.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ApprovalRejectionReason>))]
public enum ApprovalRejectionReason
{
    /// <summary>The approval carries no signature.</summary>
    MissingSignature,

    /// <summary>The approval names a key id the Builder does not trust.</summary>
    UnknownKey,

    /// <summary>The key may not approve for this agency or environment.</summary>
    KeyNotAuthorized,

    /// <summary>The key is outside its validity window, now or when it signed.</summary>
    KeyNotValid,

    /// <summary>The approval is older than the allowed age, or dated in the future.</summary>
    StaleApproval,

    /// <summary>The signature does not verify against the named key.</summary>
    InvalidSignature,

    /// <summary>The policy's SHA-256 is not the one the approval states.</summary>
    HashMismatch,

    /// <summary>The inline policy exceeds the size limit.</summary>
    Oversize,

    /// <summary>The policy does not validate; the errors say where.</summary>
    InvalidPolicy,

    /// <summary>The approval's own fields are unusable (bad names, versions, line breaks).</summary>
    MalformedApproval,

    /// <summary>The deployment id was already built from another approval: a deployment is approved once.</summary>
    ReusedDeploymentId,
}
