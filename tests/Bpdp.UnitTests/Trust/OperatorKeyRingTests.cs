using System.Security.Cryptography;
using Bpdp.Trust.Operators;

namespace Bpdp.UnitTests.Trust;

/// <summary>Only a complete entry with an ECDSA P-256 public key loads; anything else stops start-up naming its key.</summary>
public sealed class OperatorKeyRingTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-operator-keys-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private Dictionary<string, OperatorKeyOptions> Entry(string pem, params string[] roles)
    {
        var path = Path.Combine(folder, "ops.pub.pem");
        File.WriteAllText(path, pem);
        return new() { ["ops"] = new OperatorKeyOptions { PublicKeyFile = path, Agencies = ["osha"], Roles = [.. roles] } };
    }

    [Fact]
    public void A_p256_public_key_loads_with_its_agencies_and_roles()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        using var ring = OperatorKeyRing.Load("Coordinator:OperatorKeys", Entry(key.ExportSubjectPublicKeyInfoPem(), "promote"));

        Assert.True(ring.TryGet("ops", out var loaded));
        Assert.Equal(["osha"], loaded.Agencies);
        Assert.Equal([OperatorRole.Promote], loaded.Roles);
    }

    [Fact]
    public void A_key_on_another_curve_is_refused_even_at_256_bits()
    {
        using var key = ECDsa.Create(ECCurve.CreateFromFriendlyName("secP256k1"));

        var error = Assert.Throws<InvalidOperationException>(() => OperatorKeyRing.Load("Coordinator:OperatorKeys", Entry(key.ExportSubjectPublicKeyInfoPem(), "Abort")));
        Assert.Equal($"Coordinator:OperatorKeys:ops:PublicKeyFile: '{Path.Combine(folder, "ops.pub.pem")}' is a key on secP256k1; operator commands are signed with ECDSA P-256.",
            error.Message);
    }

    [Fact]
    public void A_private_key_given_as_the_public_one_is_refused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var error = Assert.Throws<InvalidOperationException>(() => OperatorKeyRing.Load("Coordinator:OperatorKeys", Entry(key.ExportPkcs8PrivateKeyPem(), "Abort")));
        Assert.EndsWith("holds a private key; the Coordinator needs only the public one (<name>.pub.pem).", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_a_pem_key_is_refused_naming_its_key()
    {
        var error = Assert.Throws<InvalidOperationException>(() => OperatorKeyRing.Load("Coordinator:OperatorKeys", Entry("not a key", "Abort")));

        Assert.StartsWith($"Coordinator:OperatorKeys:ops:PublicKeyFile: '{Path.Combine(folder, "ops.pub.pem")}' is not a PEM EC public key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_incomplete_entry_stops_loading_with_its_first_problem()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            OperatorKeyRing.Load("Coordinator:OperatorKeys", new Dictionary<string, OperatorKeyOptions> { ["ops"] = new() { PublicKeyFile = folder + "/none.pem" } }));

        Assert.Equal($"Coordinator:OperatorKeys:ops:PublicKeyFile names '{folder}/none.pem', which does not exist.", error.Message);
    }
}
