using System.Text.RegularExpressions;

namespace Bpdp.Ledger.Storage;

/// <summary>Schema and role names go into SQL text (identifiers cannot be parameters), so only plain lowercase identifiers pass.</summary>
internal static partial class Identifier
{
    public static string Require(string name) =>
        Pattern().IsMatch(name) ? name : throw new ArgumentException($"'{name}' is not a plain lowercase SQL identifier.", nameof(name));

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex Pattern();
}
