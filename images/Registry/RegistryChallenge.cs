using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace Bpdp.Images.Registry;

/// <summary>A <c>WWW-Authenticate</c> challenge: <c>Basic realm="…"</c> or <c>Bearer realm="…",service="…",scope="…"</c>.</summary>
public sealed partial record RegistryChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public string? Realm => Parameters.GetValueOrDefault("realm");

    public string? Service => Parameters.GetValueOrDefault("service");

    public string? Scope => Parameters.GetValueOrDefault("scope");

    public static RegistryChallenge? From(HttpResponseMessage response)
    {
        var header = response.Headers.WwwAuthenticate.FirstOrDefault(h => h.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
            ?? response.Headers.WwwAuthenticate.FirstOrDefault();
        return header is null ? null : Parse(header);
    }

    public static RegistryChallenge Parse(AuthenticationHeaderValue header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var parameters = Parameter().Matches(header.Parameter ?? "")
            .ToDictionary(m => m.Groups["key"].Value.ToLowerInvariant(), m => m.Groups["quoted"].Success ? m.Groups["quoted"].Value : m.Groups["bare"].Value, StringComparer.Ordinal);
        return new RegistryChallenge(header.Scheme, parameters);
    }

    [GeneratedRegex("""(?<key>[A-Za-z_]+)\s*=\s*(?:"(?<quoted>[^"]*)"|(?<bare>[^,\s]+))""")]
    private static partial Regex Parameter();
}
