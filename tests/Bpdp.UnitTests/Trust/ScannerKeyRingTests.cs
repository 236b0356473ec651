using System.Security.Cryptography;
using Bpdp.Trust.Scans;

namespace Bpdp.UnitTests.Trust;

/// <summary>Only an entry with an ECDSA P-256 public key and a sensible validity loads; anything else stops start-up naming its key.</summary>
public sealed class ScannerKeyRingTests : IDisposable
{
    private const string Section = "Publisher:ScannerKeys";
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-scanner-keys-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string Write(string pem)
    {
        var path = Path.Combine(folder, "scanner.pub.pem");
        File.WriteAllText(path, pem);
        return path;
    }

    private static string LoadFailure(ScannerKeyOptions entry) =>
        Assert.Throws<InvalidOperationException>(() => ScannerKeyRing.Load(Section, new Dictionary<string, ScannerKeyOptions> { ["scanner"] = entry })).Message;

    [Fact]
    public void A_p256_public_key_loads_with_its_validity()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var until = new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);

        using var ring = ScannerKeyRing.Load(Section, new Dictionary<string, ScannerKeyOptions>
        {
            ["scanner"] = new() { PublicKeyFile = Write(key.ExportSubjectPublicKeyInfoPem()), NotAfter = until },
        });

        Assert.True(ring.TryGet("scanner", out var loaded));
        Assert.Equal((null, until), (loaded.NotBefore, loaded.NotAfter));
        Assert.Equal(Section, ring.Section);
    }

    [Fact]
    public void An_entry_without_a_file_is_refused() =>
        Assert.Equal("Publisher:ScannerKeys:scanner:PublicKeyFile is required: the path of the Scanner's public key (PEM).", LoadFailure(new()));

    [Fact]
    public void The_scanners_private_key_is_refused_since_the_publisher_gets_only_the_public_key()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var path = Write(key.ExportPkcs8PrivateKeyPem());

        Assert.Equal($"Publisher:ScannerKeys:scanner:PublicKeyFile: '{path}' holds a private key; give this stage only the public key " +
            "(openssl ec -in scanner.key.pem -pubout -out scanner.pub.pem).", LoadFailure(new() { PublicKeyFile = path }));
    }

    [Fact]
    public void A_key_on_another_curve_is_refused_even_at_256_bits()
    {
        using var key = ECDsa.Create(ECCurve.CreateFromFriendlyName("secP256k1"));
        var path = Write(key.ExportSubjectPublicKeyInfoPem());

        Assert.Equal($"Publisher:ScannerKeys:scanner:PublicKeyFile: '{path}' is a 256-bit EC key of another curve; scan verdicts are signed with ECDSA P-256.",
            LoadFailure(new() { PublicKeyFile = path }));
    }

    [Fact]
    public void A_validity_that_ends_before_it_begins_is_refused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var from = new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);

        Assert.Equal($"Publisher:ScannerKeys:scanner:NotAfter ({from.AddDays(-1):O}) must be later than Publisher:ScannerKeys:scanner:NotBefore ({from:O}).",
            LoadFailure(new() { PublicKeyFile = Write(key.ExportSubjectPublicKeyInfoPem()), NotBefore = from, NotAfter = from.AddDays(-1) }));
    }
}
