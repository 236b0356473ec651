using System.Security.Cryptography;
using Bpdp.Rollout;
using Bpdp.Testing;
using Microsoft.Extensions.Options;

namespace Bpdp.UnitTests.Rollout;

/// <summary>The Rollout starts only with release public keys it can use, and says which entry is wrong otherwise.</summary>
public sealed class ReleaseKeysTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-release-keys-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private async Task<string> Start(Dictionary<string, string?> keys)
    {
        var settings = new Dictionary<string, string?>(keys)
        {
            ["Bus:Transport"] = "InMemory",
            ["Images:Store"] = "Layout",
            ["Images:LayoutRoot"] = Path.Combine(folder, "images"),
            ["Rollout:WorkDirectory"] = Path.Combine(folder, "rollout"),
        };
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var host = TestHost.Build(settings, bus => bus.AddRolloutStage());
            await host.StartAsync();
        });
        return error.Message;
    }

    private string Write(string name, string pem)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, pem);
        return path;
    }

    private static Dictionary<string, string?> Key(string path) => new() { ["Rollout:ReleaseKeys:release:PublicKeyFile"] = path };

    [Fact]
    public async Task A_rollout_without_any_release_key_refuses_to_start() =>
        Assert.Contains("Rollout:ReleaseKeys is required: the Rollout deploys only images whose release signature verifies, so give it the Publisher's public key as " +
            "Rollout:ReleaseKeys:<keyId>:PublicKeyFile (openssl ec -in release.key.pem -pubout -out release.pub.pem).", await Start(new()), StringComparison.Ordinal);

    [Fact]
    public async Task A_release_key_file_that_does_not_exist_is_named_with_its_key()
    {
        var missing = Path.Combine(folder, "absent.pub.pem");

        Assert.Contains($"Rollout:ReleaseKeys:release:PublicKeyFile names '{missing}', which does not exist.", await Start(Key(missing)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_is_not_pem_is_refused()
    {
        var path = Write("release.pub.pem", "not a key\n");

        Assert.Contains($"Rollout:ReleaseKeys:release:PublicKeyFile: '{path}' is not PEM; it must hold the release public key (-----BEGIN PUBLIC KEY-----).",
            await Start(Key(path)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_publishers_private_key_is_refused_since_the_rollout_gets_only_the_public_key()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var path = Write("release.key.pem", key.ExportECPrivateKeyPem());

        Assert.Contains($"Rollout:ReleaseKeys:release:PublicKeyFile: '{path}' holds a private key; give this stage only the public key " +
            "(openssl ec -in release.key.pem -pubout -out release.pub.pem).", await Start(Key(path)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_of_another_curve_than_p256_is_refused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var path = Write("release.pub.pem", key.ExportSubjectPublicKeyInfoPem());

        Assert.Contains($"Rollout:ReleaseKeys:release:PublicKeyFile: '{path}' is a 384-bit EC key of another curve; releases are signed with ECDSA P-256.",
            await Start(Key(path)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_rsa_public_key_is_refused()
    {
        using var key = RSA.Create(2048);
        var path = Write("release.pub.pem", key.ExportSubjectPublicKeyInfoPem());

        Assert.Contains($"Rollout:ReleaseKeys:release:PublicKeyFile: '{path}' is not an ECDSA public key (", await Start(Key(path)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rollout_without_approval_or_scanner_keys_refuses_to_start_naming_both()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var failure = await Start(Key(Write("release.pub.pem", key.ExportSubjectPublicKeyInfoPem())));

        Assert.Contains("Rollout:TrustedKeys is required: the Rollout deploys only releases whose approval verifies, so give it the approval system's public key as " +
            "Rollout:TrustedKeys:<keyId>:PublicKeyFile, with its Agencies and Environments (as Builder:TrustedKeys).", failure, StringComparison.Ordinal);
        Assert.Contains("Rollout:ScannerKeys is required: the Rollout deploys only releases whose scan verdict the Scanner signed, so give it the Scanner's public key as " +
            "Rollout:ScannerKeys:<keyId>:PublicKeyFile (openssl ec -in scanner.key.pem -pubout -out scanner.pub.pem).", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_approval_key_without_a_scope_is_named_with_its_key()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var settings = Key(Write("release.pub.pem", key.ExportSubjectPublicKeyInfoPem()));
        settings["Rollout:TrustedKeys:approvals:PublicKeyFile"] = Write("approvals.pub.pem", key.ExportSubjectPublicKeyInfoPem());

        Assert.Contains("Rollout:TrustedKeys:approvals:Agencies must list the agencies this key approves for ('*' for every agency).", await Start(settings), StringComparison.Ordinal);
    }
}
