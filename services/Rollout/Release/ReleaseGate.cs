using Bpdp.Contracts;
using Bpdp.Images;
using Bpdp.Images.Registry;
using Bpdp.Rollout.Targets;
using Bpdp.Trust.Release;
using Microsoft.Extensions.Options;

namespace Bpdp.Rollout.Release;

/// <summary>
/// What an image must show before any target is asked to run it, the same for every kind of target: where the
/// target pulls the image itself (a Docker engine, a Kubernetes cluster), a name in the registry releases are read
/// from (<c>Registry:Url</c>), since the evidence was checked there and nowhere else; then every check of
/// <see cref="ReleaseVerifier"/> — release signature, provenance, the approval it carries naming exactly this
/// deployment, the policy hash, the scan verdict — up to the first that fails.
/// </summary>
public sealed class ReleaseGate(ReleaseVerifier verifier, IOptions<RegistryOptions> registry)
{
    public async Task<ReleaseCheck> Check(DeployGreen command, TargetOptions target, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(target);
        var image = command.Image;
        if (target.Kind != TargetKind.Local && !FromReleaseRegistry(image, out var host))
        {
            var release = registry.Value.Url?.Authority;
            return ReleaseCheck.Refused(RefusalReason.UntrustedRegistry,
                $"release registry: the {target.Kind} target of {target.Name} would pull {image} from {host ?? "no registry"}, but releases come only from " +
                (release is null ? "the registry Registry:Url names, and it names none" : $"{release} (Registry:Url)"));
        }

        var checks = await verifier.Verify(image, ReleaseExpectation.For(command), stopAtFirstFailure: true, cancel);
        return checks.FirstOrDefault(c => !c.IsVerified) switch
        {
            null => ReleaseCheck.Passed(string.Join("; ", checks.Select(c => c.Detail))),
            { Refusal: null } skipped => ReleaseCheck.Refused(RefusalReason.MissingSignature, skipped.Detail), // fail closed: a check not made is not passed
            var refused => refused,
        };
    }

    private bool FromReleaseRegistry(ImageReference image, out string? host)
    {
        host = RegistryReference.TryParse(image.ToString(), out var reference) ? reference.Host : null;
        return host is not null && string.Equals(host, registry.Value.Url?.Authority, StringComparison.OrdinalIgnoreCase);
    }
}
