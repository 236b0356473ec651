namespace Bpdp.Trust.Release;

/// <summary>
/// One trusted release key (<c>…:ReleaseKeys:&lt;keyId&gt;</c>): the public half of a key the Publisher signs
/// releases with. Several entries let a new signing key be trusted before the old one is retired.
/// </summary>
public sealed class ReleaseKeyOptions
{
    /// <summary>The Publisher's ECDSA P-256 public key, PEM (SubjectPublicKeyInfo, <c>BEGIN PUBLIC KEY</c>); never the private key.</summary>
    public string? PublicKeyFile { get; set; }

    /// <summary>What is wrong with this entry, each naming its key (<paramref name="prefix"/> is e.g. <c>Rollout:ReleaseKeys:release</c>).</summary>
    public IEnumerable<string> Problems(string prefix)
    {
        if (string.IsNullOrWhiteSpace(PublicKeyFile))
        {
            return [$"{prefix}:PublicKeyFile is required: the path of the Publisher's release public key (PEM)."];
        }

        try
        {
            ReleaseKeyRing.Read(prefix, PublicKeyFile).Dispose();
            return [];
        }
        catch (InvalidOperationException problem)
        {
            return [problem.Message];
        }
    }
}
