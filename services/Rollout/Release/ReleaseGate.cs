using Bpdp.Contracts;
using Bpdp.Images;
using Bpdp.Images.Registry;
using Bpdp.Rollout.Targets;
using Bpdp.Trust.Release;
using Microsoft.Extensions.Options;

namespace Bpdp.Rollout.Release;

/// <summary>
/// What an image must show before any target is asked to run it, the same for every kind of target: a release
/// signature that verifies (<see cref="ReleaseSignatures"/>), and, where the target pulls the image itself (a
/// Docker engine, a Kubernetes cluster), a name in the registry releases are read from (<c>Registry:Url</c>),
/// since the signature was checked there and nowhere else.
/// </summary>
public sealed class ReleaseGate(ReleaseSignatures signatures, IOptions<RegistryOptions> registry)
{
    public async Task<ReleaseCheck> Check(ImageReference image, TargetOptions target, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(target);
        if (target.Kind != TargetKind.Local && !FromReleaseRegistry(image, out var host))
        {
            var release = registry.Value.Url?.Authority;
            return ReleaseCheck.Refused(RefusalReason.UntrustedRegistry,
                $"release registry: the {target.Kind} target of {target.Name} would pull {image} from {host ?? "no registry"}, but releases come only from " +
                (release is null ? "the registry Registry:Url names, and it names none" : $"{release} (Registry:Url)"));
        }

        return await signatures.Verify(image, cancel);
    }

    private bool FromReleaseRegistry(ImageReference image, out string? host)
    {
        host = RegistryReference.TryParse(image.ToString(), out var reference) ? reference.Host : null;
        return host is not null && string.Equals(host, registry.Value.Url?.Authority, StringComparison.OrdinalIgnoreCase);
    }
}
