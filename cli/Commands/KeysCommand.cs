using System.CommandLine;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Bpdp.Cli.Commands;

/// <summary>
/// <c>bpdp keys generate</c> and <c>bpdp keys operator</c>: an ECDSA P-256 key pair, the kind every BPDP signature
/// uses (approvals, releases, ledger checkpoints, operator commands).
/// </summary>
internal static partial class KeysCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "The key's name, e.g. approvals-2026: files <name>.key.pem and <name>.pub.pem." };
        var output = new Option<DirectoryInfo>("--output", "-o") { Description = "Where to write the files.", DefaultValueFactory = _ => new DirectoryInfo(".") };
        var generate = new Command("generate", "Write a new ECDSA P-256 private key (readable by its owner only) and its public key as PEM.") { name, output };
        generate.SetAction(async (result, cancel) =>
            await WritePair(result, "keys", result.GetRequiredValue(output), result.GetRequiredValue(name), cancel) is null ? 2 : 0);

        var operatorName = new Argument<string>("name") { Description = "The operator key's name, its key id too, e.g. ops-jane: files <name>.key.pem and <name>.pub.pem." };
        var agencies = new Option<string[]>("--agency")
        {
            Description = "An agency whose deployments the key may command ('*' for every agency); repeat for several.",
            Required = true,
        };
        var roles = new Option<string[]>("--role")
        {
            Description = "What the key may command, Abort or Promote; repeat for both.",
            DefaultValueFactory = _ => ["Abort", "Promote"],
        };
        roles.AcceptOnlyFromAmong("Abort", "Promote");
        var forOperator = new Command("operator", "Write an operator's key pair for signing `bpdp abort` and `bpdp promote`, and print the Coordinator's lines that trust it.")
        {
            operatorName, agencies, roles, output,
        };
        forOperator.SetAction(async (result, cancel) =>
        {
            var keyId = result.GetRequiredValue(operatorName);
            if (!KeyIdPattern().IsMatch(keyId))
            {
                await result.InvocationConfiguration.Error.WriteLineAsync(
                    $"bpdp keys operator: '{keyId}' cannot be a key id: it becomes part of configuration keys, so letters, digits, '.', '-' and '_' only.");
                return 2;
            }

            if (await WritePair(result, "keys operator", result.GetRequiredValue(output), keyId, cancel) is not { } publicPath)
            {
                return 2;
            }

            var prefix = $"Coordinator:OperatorKeys:{keyId}";
            var lines = new List<string> { $"{prefix}:PublicKeyFile={publicPath}" };
            lines.AddRange(result.GetRequiredValue(agencies).Distinct(StringComparer.Ordinal).Select((agency, i) => $"{prefix}:Agencies:{i}={agency}"));
            lines.AddRange(result.GetRequiredValue(roles).Distinct(StringComparer.Ordinal).Select((role, i) => $"{prefix}:Roles:{i}={role}"));
            foreach (var line in lines)
            {
                await result.InvocationConfiguration.Output.WriteLineAsync(line);
            }

            return 0;
        });
        return new Command("keys", "Signing keys.") { generate, forOperator };
    }

    /// <summary>Writes <c>&lt;name&gt;.key.pem</c> (mode 600) and <c>&lt;name&gt;.pub.pem</c> and prints both paths; none when a key would be overwritten.</summary>
    private static async Task<string?> WritePair(ParseResult result, string command, DirectoryInfo folder, string keyName, CancellationToken cancel)
    {
        var privatePath = Path.Combine(folder.FullName, $"{keyName}.key.pem");
        if (File.Exists(privatePath))
        {
            await result.InvocationConfiguration.Error.WriteLineAsync($"bpdp {command}: {privatePath} exists; a key is never overwritten.");
            return null;
        }

        folder.Create();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var owner = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            owner.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var file = new StreamWriter(privatePath, owner))
        {
            await file.WriteAsync(key.ExportPkcs8PrivateKeyPem().AsMemory(), cancel);
        }

        var publicPath = Path.Combine(folder.FullName, $"{keyName}.pub.pem");
        await File.WriteAllTextAsync(publicPath, key.ExportSubjectPublicKeyInfoPem(), cancel);
        await result.InvocationConfiguration.Output.WriteLineAsync(privatePath);
        await result.InvocationConfiguration.Output.WriteLineAsync(publicPath);
        return publicPath;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex KeyIdPattern();
}
