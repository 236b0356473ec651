using System.Text;
using Bpdp.Contracts;
using Bpdp.Policy;

namespace Bpdp.Scanner.Lint;

/// <summary>The policy layer must validate with the policy library, samples included; every error is a finding that always blocks.</summary>
public static class PolicyLint
{
    public const string Category = "lint";
    public const string PolicyPath = "policy/policy.yaml";

    /// <param name="policy">The last <c>/policy/policy.yaml</c> in the image, or null when there is none.</param>
    public static IReadOnlyList<ScanFinding> Check(Layers.ImageFile? policy)
    {
        if (policy is null)
        {
            return [new ScanFinding("policy-missing", Category, Severity.Critical, $"The image has no /{PolicyPath}: it was not built by the Builder, or its policy layer is missing.")];
        }

        var result = PolicyValidator.Validate(Encoding.UTF8.GetString(policy.Content));
        return [.. result.Errors.Select(e => new ScanFinding("policy-lint", Category, Severity.Critical,
            $"/{PolicyPath}:{e.Line}:{e.Column}: {e.Message}", policy.LayerDigest, policy.Path, e.Line))];
    }
}
