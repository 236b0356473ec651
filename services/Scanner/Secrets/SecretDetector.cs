using System.Text;
using Bpdp.Contracts;

namespace Bpdp.Scanner.Secrets;

/// <summary>
/// Finds secrets in one file. A vectorised multi-keyword search skips every line no rule cares about;
/// on a line with a keyword, the rules of the keywords present run their regexes. Findings carry the
/// line with every secret found on it replaced by <c>*****</c> — never a secret, not even in part.
/// </summary>
public sealed class SecretDetector(SecretRuleSet rules)
{
    public const string Category = "secret";
    private const string Redacted = "*****";
    private const int ExcerptLength = 160;

    /// <summary>The findings in many files, scanned on every core, in the files' order.</summary>
    public IReadOnlyList<ScanFinding> ScanAll(IReadOnlyList<Layers.ImageFile> files) =>
        [.. files.AsParallel().AsOrdered().SelectMany(f => Scan(f.LayerDigest, f.Path, f.Content))];

    /// <summary>The findings in a file, or none for a binary file (sniffed by content).</summary>
    public IReadOnlyList<ScanFinding> Scan(string layerDigest, string path, ReadOnlySpan<byte> content)
    {
        if (ContentSniffer.IsBinary(content))
        {
            return [];
        }

        var text = Encoding.UTF8.GetString(content);
        var findings = new List<ScanFinding>();
        var lineNumber = 1;
        var counted = 0;
        var position = 0;
        var candidates = new HashSet<SecretRule>();
        while (position < text.Length)
        {
            int lineStart;
            int lineEnd;
            candidates.Clear();
            candidates.UnionWith(rules.Unfiltered);
            if (rules.Unfiltered.Count > 0)
            {
                lineStart = position;
                lineEnd = LineEnd(text, lineStart);
                CollectKeywordRules(text, lineStart, lineEnd, candidates);
            }
            else
            {
                var hit = text.AsSpan(position).IndexOfAny(rules.KeywordSearch);
                if (hit < 0)
                {
                    break;
                }

                lineStart = Math.Max(text.LastIndexOf('\n', position + hit) + 1, position);
                lineEnd = LineEnd(text, lineStart);
                CollectKeywordRules(text, position + hit, lineEnd, candidates);
            }

            lineNumber += text.AsSpan(counted, lineStart - counted).Count('\n');
            counted = lineStart;
            if (AnyMatches(candidates, text.AsSpan(lineStart, lineEnd - lineStart).TrimEnd('\r')))
            {
                ScanLine(text.AsSpan(lineStart, lineEnd - lineStart).TrimEnd('\r').ToString(), lineNumber, layerDigest, path, candidates, findings);
            }

            position = lineEnd + 1;
        }

        return findings;
    }

    private static bool AnyMatches(HashSet<SecretRule> candidates, ReadOnlySpan<char> line)
    {
        foreach (var rule in candidates)
        {
            try
            {
                if (rule.Pattern.IsMatch(line))
                {
                    return true;
                }
            }
            catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
            {
                return true;
            }
        }

        return false;
    }

    private static int LineEnd(string text, int lineStart)
    {
        var end = text.IndexOf('\n', lineStart);
        return end < 0 ? text.Length : end;
    }

    /// <summary>The rules of every keyword that occurs in the line from <paramref name="from"/> on, found hit by hit.</summary>
    private void CollectKeywordRules(string text, int from, int lineEnd, HashSet<SecretRule> candidates)
    {
        var at = from;
        while (at < lineEnd)
        {
            var hit = text.AsSpan(at, lineEnd - at).IndexOfAny(rules.KeywordSearch);
            if (hit < 0)
            {
                return;
            }

            at += hit;
            if (rules.KeywordsByFirstChar.TryGetValue(char.ToLowerInvariant(text[at]), out var keywords))
            {
                foreach (var keyword in keywords)
                {
                    if (text.AsSpan(at).StartsWith(keyword, StringComparison.OrdinalIgnoreCase))
                    {
                        candidates.UnionWith(rules.RulesByKeyword[keyword]);
                    }
                }
            }

            at++;
        }
    }

    private static void ScanLine(string line, int lineNumber, string layerDigest, string path, HashSet<SecretRule> candidates, List<ScanFinding> findings)
    {
        var found = new List<(SecretRule Rule, int Start, int Length)>();
        foreach (var rule in candidates.OrderBy(r => r.Id, StringComparer.Ordinal))
        {
            System.Text.RegularExpressions.MatchCollection matches;
            try
            {
                if (!rule.Pattern.IsMatch(line) || rule.AllowedPaths.Any(p => p.IsMatch(path)))
                {
                    continue;
                }

                matches = rule.Pattern.Matches(line);
                _ = matches.Count;
            }
            catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
            {
                // A line a rule cannot finish on is not known to be clean: it blocks, and says which rule to fix.
                findings.Add(new ScanFinding("scan-timeout", Category, Severity.High,
                    $"Rule {rule.Id} did not finish on /{path} line {lineNumber} within its time limit: the line is not known to be free of secrets; fix the rule's regex.",
                    layerDigest, path, lineNumber));
                continue;
            }

            foreach (System.Text.RegularExpressions.Match match in matches)
            {
                var secret = match.Groups[rule.SecretGroup];
                if (!secret.Success || secret.Length == 0
                    || (rule.Entropy is { } minimum && Entropy.Of(secret.ValueSpan) < minimum)
                    || rule.AllowedSecrets.Any(a => a.IsMatch(secret.Value)))
                {
                    continue;
                }

                found.Add((rule, secret.Index, secret.Length));
            }
        }

        if (found.Count == 0)
        {
            return;
        }

        // Every secret on the line is masked in every excerpt, including what a fallback rule matched.
        var masked = Mask(line, found.Select(f => (f.Start, f.Length)));
        found.RemoveAll(f => f.Rule.Fallback && found.Any(o => !o.Rule.Fallback && o.Start < f.Start + f.Length && f.Start < o.Start + o.Length));

        // One finding per rule and line.
        foreach (var (rule, start, _) in found.DistinctBy(f => f.Rule.Id))
        {
            findings.Add(new ScanFinding(rule.Id, Category, rule.Severity,
                $"{rule.Description} in /{path} line {lineNumber}: remove it from the policy image and rotate it.",
                layerDigest, path, lineNumber, Excerpt(masked.Text, masked.MaskedStarts[start])));
        }
    }

    /// <summary>The line with each span replaced by the mask, and where each span now starts.</summary>
    private static (string Text, Dictionary<int, int> MaskedStarts) Mask(string line, IEnumerable<(int Start, int Length)> spans)
    {
        var merged = new List<(int Start, int End)>();
        foreach (var (start, length) in spans.OrderBy(s => s.Start))
        {
            if (merged.Count > 0 && start <= merged[^1].End)
            {
                merged[^1] = (merged[^1].Start, Math.Max(merged[^1].End, start + length));
            }
            else
            {
                merged.Add((start, start + length));
            }
        }

        var text = new StringBuilder();
        var starts = new Dictionary<int, int>();
        var at = 0;
        foreach (var (start, end) in merged)
        {
            text.Append(line, at, start - at);
            for (var original = start; original < end; original++)
            {
                starts.TryAdd(original, text.Length);
            }

            text.Append(Redacted);
            at = end;
        }

        text.Append(line, at, line.Length - at);
        return (text.ToString(), starts);
    }

    private static string Excerpt(string masked, int around)
    {
        if (masked.Length <= ExcerptLength)
        {
            return masked.Trim();
        }

        var start = Math.Clamp(around - ExcerptLength / 2, 0, masked.Length - ExcerptLength);
        return (start > 0 ? "…" : "") + masked.Substring(start, ExcerptLength).Trim() + (start + ExcerptLength < masked.Length ? "…" : "");
    }
}
