using System.Security.Cryptography;
using Bpdp.Cli;

namespace Bpdp.UnitTests.Cli;

/// <summary><c>bpdp keys generate</c> writes a usable P-256 pair, keeps the private half to its owner, and never overwrites a key.</summary>
public sealed class KeysCommandTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-keys-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task A_generated_pair_signs_and_verifies_and_a_second_generation_is_refused()
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();

        Assert.Equal(0, await BpdpCli.Run(["keys", "generate", "approvals-2027", "--output", folder], output, errors));
        Assert.Equal(2, await BpdpCli.Run(["keys", "generate", "approvals-2027", "--output", folder], output, errors));

        using var signer = ECDsa.Create();
        signer.ImportFromPem(await File.ReadAllTextAsync(Path.Combine(folder, "approvals-2027.key.pem")));
        using var verifier = ECDsa.Create();
        verifier.ImportFromPem(await File.ReadAllTextAsync(Path.Combine(folder, "approvals-2027.pub.pem")));
        var signature = signer.SignData("approved"u8, HashAlgorithmName.SHA256);
        Assert.True(verifier.VerifyData("approved"u8, signature, HashAlgorithmName.SHA256));
        Assert.Equal(256, verifier.KeySize);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, new FileInfo(Path.Combine(folder, "approvals-2027.key.pem")).UnixFileMode);
        Assert.Contains("never overwritten", errors.ToString(), StringComparison.Ordinal);
    }
}
