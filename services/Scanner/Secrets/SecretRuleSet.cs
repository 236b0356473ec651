using System.Buffers;
using System.Text.RegularExpressions;
using Bpdp.Contracts;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Bpdp.Scanner.Secrets;

/// <summary>
/// The rules in force: the built-in file, then each agency file in order (a rule with a known id replaces
/// it; <c>disabled</c> turns ids off), then the configured disabled ids. Every keyword of every rule goes
/// into one multi-string search, so a file is read once however many rules there are.
/// </summary>
public sealed class SecretRuleSet
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(2);

    private SecretRuleSet(IReadOnlyList<SecretRule> rules)
    {
        Rules = rules;
        var keywords = rules.SelectMany(r => r.Keywords).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        KeywordSearch = SearchValues.Create(keywords, StringComparison.OrdinalIgnoreCase);
        RulesByKeyword = keywords.ToDictionary(k => k, k => (IReadOnlyList<SecretRule>)[.. rules.Where(r => r.Keywords.Contains(k, StringComparer.OrdinalIgnoreCase))],
            StringComparer.OrdinalIgnoreCase);
        Unfiltered = [.. rules.Where(r => r.Keywords.Count == 0)];
        KeywordsByFirstChar = keywords.GroupBy(k => char.ToLowerInvariant(k[0])).ToDictionary(g => g.Key, g => g.ToArray());
    }

    /// <summary>The keywords by their lowercase first character, to tell which ones a search hit is.</summary>
    public IReadOnlyDictionary<char, string[]> KeywordsByFirstChar { get; }

    public IReadOnlyList<SecretRule> Rules { get; }

    public SearchValues<string> KeywordSearch { get; }

    public IReadOnlyDictionary<string, IReadOnlyList<SecretRule>> RulesByKeyword { get; }

    /// <summary>Rules without keywords: their regex runs over every line.</summary>
    public IReadOnlyList<SecretRule> Unfiltered { get; }

    public static SecretRuleSet BuiltIn() => Load([], []);

    /// <param name="files">Agency rule files, applied after the built-in rules.</param>
    /// <param name="disabled">Rule ids to turn off.</param>
    public static SecretRuleSet Load(IEnumerable<string> files, IEnumerable<string> disabled)
    {
        using var builtIn = typeof(SecretRuleSet).Assembly.GetManifestResourceStream("Bpdp.Scanner.Secrets.secret-rules.yaml")
            ?? throw new InvalidOperationException("the built-in secret rules are missing from the assembly");
        var rules = new Dictionary<string, SecretRule>(StringComparer.Ordinal);
        Apply(rules, Parse(new StreamReader(builtIn).ReadToEnd(), "built-in secret-rules.yaml"), "built-in secret-rules.yaml");
        foreach (var file in files)
        {
            if (!File.Exists(file))
            {
                throw new InvalidOperationException($"Scanner:SecretRules:Files names '{file}', which does not exist.");
            }

            Apply(rules, Parse(File.ReadAllText(file), file), file);
        }

        foreach (var id in disabled)
        {
            rules.Remove(id);
        }

        return new SecretRuleSet([.. rules.Values.OrderBy(r => r.Id, StringComparer.Ordinal)]);
    }

    private static SecretRuleFile Parse(string yaml, string source)
    {
        try
        {
            return new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build().Deserialize<SecretRuleFile>(yaml) ?? new SecretRuleFile();
        }
        catch (YamlException error)
        {
            throw new InvalidOperationException($"{source}:{error.Start.Line}:{error.Start.Column}: not a secret rule file: {error.InnerException?.Message ?? error.Message}", error);
        }
    }

    private static void Apply(Dictionary<string, SecretRule> rules, SecretRuleFile file, string source)
    {
        var fileAllowedPaths = Compile(file.Allowlist?.Paths, source, "allowlist.paths");
        var fileAllowedSecrets = Compile(file.Allowlist?.Regexes, source, "allowlist.regexes");
        foreach (var id in file.Disabled)
        {
            rules.Remove(id);
        }

        foreach (var entry in file.Rules)
        {
            var id = entry.Id is { Length: > 0 } named ? named : throw new InvalidOperationException($"{source}: a rule has no id.");
            var where = $"{source}: rule {id}";
            var pattern = Compile(entry.Regex ?? throw new InvalidOperationException($"{where} has no regex."), where);
            if (entry.SecretGroup < 0 || entry.SecretGroup > pattern.GetGroupNumbers().Max())
            {
                throw new InvalidOperationException($"{where}: secretGroup {entry.SecretGroup} is not a group of its regex.");
            }

            var severity = Enum.TryParse<Severity>(entry.Severity ?? nameof(Severity.High), ignoreCase: true, out var parsed)
                ? parsed
                : throw new InvalidOperationException($"{where}: severity '{entry.Severity}' is not one of {string.Join(", ", Enum.GetNames<Severity>())}.");
            rules[id] = new SecretRule(id, entry.Description ?? id, pattern, entry.SecretGroup, [.. entry.Keywords.Where(k => k.Length > 0)], entry.Entropy, severity,
                [.. fileAllowedPaths, .. Compile(entry.Allowlist?.Paths, where, "allowlist.paths")],
                [.. fileAllowedSecrets, .. Compile(entry.Allowlist?.Regexes, where, "allowlist.regexes")], entry.Fallback);
        }
    }

    private static List<Regex> Compile(List<string>? patterns, string source, string field) =>
        [.. (patterns ?? []).Select(p => Compile(p, $"{source} {field}"))];

    private static Regex Compile(string pattern, string where)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled, MatchTimeout);
        }
        catch (ArgumentException error)
        {
            throw new InvalidOperationException($"{where}: invalid regex: {error.Message}", error);
        }
    }
}
