using Bpdp.Contracts;
using Bpdp.Trust.Keys;

namespace Bpdp.Trust.Operators;

/// <summary>
/// Checks that an operator command is what it claims to be, from its evidence alone: a canonical form, a
/// signature, a trusted operator key, a signature that verifies with it, a key valid now and when it signed,
/// whose roles cover the command and whose agencies cover the deployment's, and a command neither older than the
/// allowed age nor dated in the future. The age limit is what stops a command captured from the broker from being
/// replayed later.
/// </summary>
/// <param name="keys">The operator keys trusted.</param>
/// <param name="clock">Now.</param>
/// <param name="maxAge">Commands signed longer ago than this are refused; <see cref="DefaultMaxAge"/> unless configured.</param>
/// <param name="operatorKeysSection">Where the keys are configured, e.g. <c>Coordinator:OperatorKeys</c>, named in refusals.</param>
public sealed class OperatorCommandEvidence(OperatorKeyRing keys, TimeProvider clock, TimeSpan maxAge, string operatorKeysSection)
{
    /// <summary>How old a command may be when no other age is configured.</summary>
    public static readonly TimeSpan DefaultMaxAge = TimeSpan.FromMinutes(10);

    /// <summary>How far an operator's clock may run ahead of this one.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>The evidence of an abort of a deployment to <paramref name="target"/>.</summary>
    public OperatorCheck Check(AbortDeployment command, DeploymentTarget target)
    {
        ArgumentNullException.ThrowIfNull(command);
        var signed = new Signed(OperatorRole.Abort, command.DeploymentId, command.OccurredAt, command.RequestedBy, command.OperatorKeyId, command.Signature);
        return Check(signed, () => OperatorCommandCanonicalForm.ToBytes(command), target);
    }

    /// <summary>The evidence of a promotion of a deployment to <paramref name="target"/>.</summary>
    public OperatorCheck Check(PromoteDeployment command, DeploymentTarget target)
    {
        ArgumentNullException.ThrowIfNull(command);
        var signed = new Signed(OperatorRole.Promote, command.DeploymentId, command.OccurredAt, command.RequestedBy, command.OperatorKeyId, command.Signature);
        return Check(signed, () => OperatorCommandCanonicalForm.ToBytes(command), target);
    }

    private OperatorCheck Check(Signed command, Func<byte[]> canonicalForm, DeploymentTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var what = $"the {command.Verb} of deployment {command.DeploymentId}";
        byte[] canonical;
        try
        {
            canonical = canonicalForm();
        }
        catch (ArgumentException error)
        {
            return OperatorCheck.Refused(RefusalReason.InvalidSignature, $"{Capitalized(what)} cannot be verified: {error.Message}");
        }

        if (string.IsNullOrWhiteSpace(command.Signature) || string.IsNullOrWhiteSpace(command.KeyId))
        {
            var missing = string.IsNullOrWhiteSpace(command.Signature) ? "no signature" : "a signature but no operatorKeyId";
            return OperatorCheck.Refused(RefusalReason.MissingSignature,
                $"{Capitalized(what)} carries {missing}; operator commands are acted on only when signed with a trusted operator key " +
                $"(`bpdp {command.Verb} {command.DeploymentId} --key operator.key.pem`, or the canonical form in contracts/README.md).");
        }

        if (!keys.TryGet(command.KeyId, out var key))
        {
            return OperatorCheck.Refused(RefusalReason.InvalidSignature,
                $"{Capitalized(what)} is signed with key '{command.KeyId}', which is not a trusted operator key " +
                $"(trusted: {string.Join(", ", keys.KeyIds.Order(StringComparer.Ordinal))}); configure it as {operatorKeysSection}:{command.KeyId}.");
        }

        if (!P256Signature.Verifies(key.PublicKey, canonical, command.Signature))
        {
            return OperatorCheck.Refused(RefusalReason.InvalidSignature,
                $"The signature of {what} does not verify with operator key '{key.KeyId}': " +
                "the command was changed after signing, or signed with another key or form.");
        }

        var now = clock.GetUtcNow();
        if (!key.ValidAt(now) || !key.ValidAt(command.OccurredAt))
        {
            return OperatorCheck.Refused(RefusalReason.NotAuthorized,
                $"Operator key '{key.KeyId}' is valid from {key.DescribeValidity()}; {what} was signed at {command.OccurredAt:O} and checked at {now:O}.");
        }

        if (!key.May(command.Role))
        {
            return OperatorCheck.Refused(RefusalReason.NotAuthorized,
                $"Operator key '{key.KeyId}' has the roles {key.DescribeRoles()}, not {command.Role}; {operatorKeysSection}:{key.KeyId}:Roles must list {command.Role} for it to {command.Verb}.");
        }

        if (!key.Covers(target.Agency))
        {
            return OperatorCheck.Refused(RefusalReason.NotAuthorized,
                $"Operator key '{key.KeyId}' may command only the deployments of agencies {key.DescribeAgencies()}, not of agency '{target.Agency}'.");
        }

        if (command.OccurredAt > now + ClockSkew)
        {
            return OperatorCheck.Refused(RefusalReason.Stale,
                $"{Capitalized(what)} is dated {command.OccurredAt:O}, later than now ({now:O}) by more than {ClockSkew.TotalMinutes:F0} minutes: check the operator's clock.");
        }

        return now - command.OccurredAt > maxAge
            ? OperatorCheck.Refused(RefusalReason.Stale,
                $"{Capitalized(what)} was signed at {command.OccurredAt:O}, {Describe(now - command.OccurredAt)} ago; operator commands older than {Describe(maxAge)} are refused, so send it again.")
            : OperatorCheck.Accepted(command.RequestedBy, key.KeyId);
    }

    private static string Capitalized(string text) => string.Concat(text[..1].ToUpperInvariant(), text[1..]);

    private static string Describe(TimeSpan span) => span.TotalHours >= 1 ? $"{span.TotalHours:F1} h" : $"{span.TotalMinutes:F0} min";

    private sealed record Signed(OperatorRole Role, Guid DeploymentId, DateTimeOffset OccurredAt, string RequestedBy, string? KeyId, string? Signature)
    {
        public string Verb => Role == OperatorRole.Abort ? OperatorCommandCanonicalForm.Abort : OperatorCommandCanonicalForm.Promote;
    }
}
