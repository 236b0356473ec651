using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Bpdp.Scanner.Gate;

/// <summary>
/// The ignore file, like <c>.trivyignore</c> but every entry must say why and until when:
/// <code>
/// - id: GHSA-xxxx-xxxx-xxxx     # a rule id, an OSV id or one of its aliases (CVE-…)
///   path: etc/app/settings.json  # optional: only in this file
///   reason: Not reachable: the executor never parses untrusted XML.
///   expires: 2027-01-31          # after this day the finding blocks again
/// </code>
/// </summary>
public static class IgnoreFile
{
    public static IReadOnlyList<IgnoreEntry> Load(string? path)
    {
        if (path is null)
        {
            return [];
        }

        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"the ignore file '{path}' does not exist.");
        }

        List<Entry>? entries;
        try
        {
            entries = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build().Deserialize<List<Entry>>(File.ReadAllText(path));
        }
        catch (YamlException error)
        {
            throw new InvalidOperationException(
                $"{path}:{error.Start.Line}:{error.Start.Column}: not an ignore file (a list of id, reason, expires): {error.InnerException?.Message ?? error.Message}", error);
        }

        return [.. (entries ?? []).Select((e, i) => new IgnoreEntry(
            e.Id is { Length: > 0 } id ? id : throw new InvalidOperationException($"{path}: entry {i + 1} has no id."),
            e.Path?.TrimStart('/'),
            e.Reason is { Length: > 0 } reason ? reason : throw new InvalidOperationException($"{path}: entry {i + 1} ({e.Id}) has no reason: say why it is acceptable."),
            DateOnly.TryParse(e.Expires, System.Globalization.CultureInfo.InvariantCulture, out var expires)
                ? expires
                : throw new InvalidOperationException($"{path}: entry {i + 1} ({e.Id}) needs an expiry date (expires: YYYY-MM-DD).")))];
    }

    private sealed class Entry
    {
        public string? Id { get; set; }

        public string? Path { get; set; }

        public string? Reason { get; set; }

        public string? Expires { get; set; }
    }
}
