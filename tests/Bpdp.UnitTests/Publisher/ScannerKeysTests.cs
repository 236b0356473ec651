using System.Security.Cryptography;
using Bpdp.Publisher;
using Bpdp.Testing;
using Microsoft.Extensions.Options;

namespace Bpdp.UnitTests.Publisher;

/// <summary>The Publisher starts only with Scanner public keys it can use, and says which entry is wrong otherwise.</summary>
public sealed class ScannerKeysTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-publisher-scanner-keys-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private async Task<string> StartFailure(Dictionary<string, string?> keys)
    {
        using var release = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var releaseKey = Path.Combine(folder, "release.key.pem");
        await File.WriteAllTextAsync(releaseKey, release.ExportPkcs8PrivateKeyPem());
        var settings = new Dictionary<string, string?>(keys)
        {
            ["Bus:Transport"] = "InMemory",
            ["Images:Store"] = "Layout",
            ["Images:LayoutRoot"] = Path.Combine(folder, "images"),
            ["Publisher:SigningKeyFile"] = releaseKey,
        };
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var host = TestHost.Build(settings, bus => bus.AddPublisherStage());
            await host.StartAsync();
        });
        return error.Message;
    }

    [Fact]
    public async Task A_publisher_without_any_scanner_key_refuses_to_start() =>
        Assert.Contains("Publisher:ScannerKeys is required: the Publisher releases only verdicts the Scanner signed, so give it the Scanner's public key as " +
            "Publisher:ScannerKeys:<keyId>:PublicKeyFile (openssl ec -in scanner.key.pem -pubout -out scanner.pub.pem).", await StartFailure([]), StringComparison.Ordinal);

    [Fact]
    public async Task A_publisher_without_any_approval_key_refuses_to_start() =>
        Assert.Contains("Publisher:TrustedKeys is required: the Publisher releases only images whose attached approval verifies", await StartFailure([]), StringComparison.Ordinal);

    [Fact]
    public async Task A_scanner_key_file_that_does_not_exist_is_named_with_its_key()
    {
        var missing = Path.Combine(folder, "absent.pub.pem");

        Assert.Contains($"Publisher:ScannerKeys:scanner:PublicKeyFile names '{missing}', which does not exist.",
            await StartFailure(new() { ["Publisher:ScannerKeys:scanner:PublicKeyFile"] = missing }), StringComparison.Ordinal);
    }
}
