using System.CommandLine;
using System.Security.Cryptography;

namespace Bpdp.Cli.Commands;

/// <summary><c>bpdp keys generate</c>: an ECDSA P-256 key pair, the kind every BPDP signature uses (approvals, releases, ledger checkpoints).</summary>
internal static class KeysCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "The key's name, e.g. approvals-2026: files <name>.key.pem and <name>.pub.pem." };
        var output = new Option<DirectoryInfo>("--output", "-o") { Description = "Where to write the files.", DefaultValueFactory = _ => new DirectoryInfo(".") };
        var generate = new Command("generate", "Write a new ECDSA P-256 private key (readable by its owner only) and its public key as PEM.") { name, output };
        generate.SetAction(async (result, cancel) =>
        {
            var folder = result.GetRequiredValue(output);
            var keyName = result.GetRequiredValue(name);
            var privatePath = Path.Combine(folder.FullName, $"{keyName}.key.pem");
            if (File.Exists(privatePath))
            {
                await result.InvocationConfiguration.Error.WriteLineAsync($"bpdp keys: {privatePath} exists; a key is never overwritten.");
                return 2;
            }

            folder.Create();
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            await File.WriteAllTextAsync(privatePath, key.ExportPkcs8PrivateKeyPem(), cancel);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(privatePath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            var publicPath = Path.Combine(folder.FullName, $"{keyName}.pub.pem");
            await File.WriteAllTextAsync(publicPath, key.ExportSubjectPublicKeyInfoPem(), cancel);
            await result.InvocationConfiguration.Output.WriteLineAsync(privatePath);
            await result.InvocationConfiguration.Output.WriteLineAsync(publicPath);
            return 0;
        });
        return new Command("keys", "Signing keys.") { generate };
    }
}
