using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Bpdp.WebConsole.Auth;

/// <summary>Checks a local account's password against its hash file; the same time is spent for an unknown name.</summary>
public sealed class LocalSignIn(IOptions<ConsoleOptions> options)
{
    private static readonly PasswordHasher<string> Hasher = new();
    private static readonly string Decoy = Hasher.HashPassword("", Guid.NewGuid().ToString());

    public async Task<LocalAccount?> Verify(string name, string password, CancellationToken cancel)
    {
        if (!options.Value.Accounts.TryGetValue(name, out var account) || account.PasswordHashFile is null || !File.Exists(account.PasswordHashFile))
        {
            Hasher.VerifyHashedPassword("", Decoy, password);
            return null;
        }

        var hash = (await File.ReadAllTextAsync(account.PasswordHashFile, cancel)).Trim();
        return Hasher.VerifyHashedPassword(name, hash, password) == PasswordVerificationResult.Failed ? null : account;
    }

    /// <summary>The hash of a password, in the format <c>PasswordHashFile</c> holds.</summary>
    public static string Hash(string password) => Hasher.HashPassword("", password);
}
