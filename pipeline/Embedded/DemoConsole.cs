using System.Security.Cryptography;
using Bpdp.WebConsole.Auth;

namespace Bpdp.Pipeline.Embedded;

/// <summary>
/// The embedded mode's console: two local accounts with passwords made fresh in <c>&lt;workdir&gt;/console</c> —
/// <c>operator</c> (may abort and promote osha's deployments) and <c>viewer</c> (reads only) — and the console's operator
/// key, which the Coordinator trusts for aborts and promotions of osha's deployments.
/// </summary>
public static class DemoConsole
{
    public const string OperatorKeyId = "demo-console";

    /// <summary>The folder of the accounts' password files (<c>operator.password</c>, <c>viewer.password</c>).</summary>
    public static string Folder(string workdir) => Path.Combine(workdir, "console");

    /// <summary>The password of a demo account, as written for this work directory.</summary>
    public static string Password(string workdir, string account) => File.ReadAllText(Path.Combine(Folder(workdir), $"{account}.password")).Trim();

    public static Dictionary<string, string?> Settings(string workdir, string keys)
    {
        var folder = Directory.CreateDirectory(Folder(workdir)).FullName;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var settings = new Dictionary<string, string?>();
        foreach (var (account, role) in new[] { ("operator", ConsoleRole.Operator), ("viewer", ConsoleRole.Viewer) })
        {
            var password = Path.Combine(folder, $"{account}.password");
            if (!File.Exists(password))
            {
                File.WriteAllText(password, Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).Replace('/', '-').Replace('+', '_'));
            }

            var hash = Path.Combine(folder, $"{account}.hash");
            File.WriteAllText(hash, LocalSignIn.Hash(File.ReadAllText(password).Trim()));
            settings[$"Console:Accounts:{account}:PasswordHashFile"] = hash;
            settings[$"Console:Accounts:{account}:Role"] = role.ToString();
            settings[$"Console:Accounts:{account}:Agencies:0"] = "osha";
        }

        var key = Path.Combine(keys, "console-operator.key.pem");
        var publicKey = Path.Combine(keys, "console-operator.pub.pem");
        if (!File.Exists(key))
        {
            using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            File.WriteAllText(key, ecdsa.ExportECPrivateKeyPem());
            File.WriteAllText(publicKey, ecdsa.ExportSubjectPublicKeyInfoPem());
        }

        settings["Console:OperatorKeyFile"] = key;
        settings["Console:OperatorKeyId"] = OperatorKeyId;
        settings[$"Coordinator:OperatorKeys:{OperatorKeyId}:PublicKeyFile"] = publicKey;
        settings[$"Coordinator:OperatorKeys:{OperatorKeyId}:Agencies:0"] = "osha";
        settings[$"Coordinator:OperatorKeys:{OperatorKeyId}:Roles:0"] = "Abort";
        settings[$"Coordinator:OperatorKeys:{OperatorKeyId}:Roles:1"] = "Promote";
        return settings;
    }
}
