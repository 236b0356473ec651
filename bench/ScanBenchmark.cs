using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Bpdp.Scanner.Secrets;

namespace Bpdp.Bench;

/// <summary>
/// Secret-scan throughput over a synthetic 100 MB of text files (configuration-like lines, a secret every few
/// hundred KB), against <c>grep -E -i -c</c> with the built-in rules' regular expressions translated to POSIX
/// ERE, over the same unpacked files, alternating which goes first. Both read the files from disk.
/// </summary>
internal static partial class ScanBenchmark
{
    public static async Task<int> Run(string[] args)
    {
        var megabytes = int.Parse(BenchArgs.Option(args, "--megabytes") ?? "100", System.Globalization.CultureInfo.InvariantCulture);
        var folder = Directory.CreateTempSubdirectory("bpdp-bench-scan-").FullName;
        try
        {
            Generate(folder, megabytes);
            var rules = SecretRuleSet.BuiltIn();
            var patterns = Path.Combine(folder, "..", $"{Path.GetFileName(folder)}.ere");
            await File.WriteAllLinesAsync(patterns, rules.Rules.Select(r => ToEre(r.Pattern.ToString())));
            var detector = new SecretDetector(rules);
            var ours = new List<double>();
            var grep = new List<double>();
            var found = 0;
            for (var round = 0; round < 6; round++)
            {
                if (round % 2 == 0)
                {
                    ours.Add(Timing.Of(() => found = Scan(detector, folder)));
                    grep.Add(await Timing.Of(() => Grep(patterns, folder)));
                }
                else
                {
                    grep.Add(await Timing.Of(() => Grep(patterns, folder)));
                    ours.Add(Timing.Of(() => found = Scan(detector, folder)));
                }
            }

            File.Delete(patterns);
            var oursMedian = Percentiles.Of([.. ours.Order()], 50);
            var grepMedian = Percentiles.Of([.. grep.Order()], 50);
            Console.WriteLine($"{megabytes} MB in {Directory.GetFiles(folder).Length} files, {rules.Rules.Count} rules, {found} findings");
            Console.WriteLine($"scanner p50 {oursMedian:F0} ms ({megabytes / (oursMedian / 1000):F0} MB/s); " +
                $"grep -E -i -c p50 {grepMedian:F0} ms ({megabytes / (grepMedian / 1000):F0} MB/s); grep time / scanner time {grepMedian / oursMedian:F2}");
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>As the Scanner does: the files read (there: unpacked from the layer), then scanned on every core.</summary>
    private static int Scan(SecretDetector detector, string folder) =>
        detector.ScanAll([.. Directory.GetFiles(folder).Order(StringComparer.Ordinal).Select(f => new Bpdp.Scanner.Layers.ImageFile("sha256:bench", f, File.ReadAllBytes(f)))]).Count;

    private static async Task Grep(string patterns, string folder)
    {
        using var process = Process.Start(new ProcessStartInfo("grep", ["-E", "-i", "-c", "-r", "-f", patterns, folder]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode > 1)
        {
            throw new InvalidOperationException($"grep failed: {await errors}");
        }

        await output;
    }

    /// <summary>The closest POSIX ERE: inline flags dropped (grep runs with -i), non-capturing groups and lookaheads rewritten, escapes spelled out inside and outside brackets.</summary>
    private static string ToEre(string pattern)
    {
        var source = Lookahead().Replace(pattern.Replace("(?i)", "", StringComparison.Ordinal), "").Replace("(?i:", "(", StringComparison.Ordinal).Replace("(?:", "(", StringComparison.Ordinal);
        var ere = new StringBuilder();
        var inBracket = false;
        var pendingDash = false;
        for (var i = 0; i < source.Length; i++)
        {
            var c = source[i];
            if (c == '\\' && i + 1 < source.Length)
            {
                var next = source[++i];
                var (inside, outside) = next switch
                {
                    'd' => ("0-9", "[0-9]"),
                    's' => ("[:space:]", "[[:space:]]"),
                    'w' => ("[:alnum:]_", "[[:alnum:]_]"),
                    'b' => ("", "\\b"),
                    '-' => ("", "-"),
                    _ => (next.ToString(), $"[{next}]"),
                };
                ere.Append(inBracket ? inside : outside);
                if (inBracket && next == '-')
                {
                    pendingDash = true;
                }

                continue;
            }

            if (inBracket && c == ']')
            {
                ere.Append(pendingDash ? "-]" : "]");
                pendingDash = false;
                inBracket = false;
                continue;
            }

            if (!inBracket && c == '[')
            {
                inBracket = true;
            }

            ere.Append(c);
        }

        return ere.ToString();
    }

    [GeneratedRegex(@"\(\?=[^)]*\)")]
    private static partial Regex Lookahead();

    private static void Generate(string folder, int megabytes)
    {
        var random = new Random(7);
        string[] words = ["policy", "report", "injury", "inspection", "deadline", "office", "region", "severity", "establishment", "worker", "hazard", "manufacturing",
            "construction", "priority", "queue"];
        const string alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        string Token(int n) => new([.. Enumerable.Range(0, n).Select(_ => alnum[random.Next(alnum.Length)])]);
        for (var file = 0; file < megabytes; file++)
        {
            var text = new StringBuilder(1024 * 1024 + 256);
            while (text.Length < 1024 * 1024)
            {
                var line = random.Next(400) == 0
                    ? $"GH_TOKEN=ghp_{Token(36)}"
                    : random.Next(3) switch
                    {
                        0 => $"{words[random.Next(words.Length)]}_{words[random.Next(words.Length)]}: {random.Next(100000)}",
                        1 => $"# {string.Join(' ', Enumerable.Range(0, 12).Select(_ => words[random.Next(words.Length)]))}",
                        _ => $"  - {{ name: {words[random.Next(words.Length)]}, url: https://{words[random.Next(words.Length)]}.example.gov/{Token(8)} }}",
                    };
                text.Append(line).Append('\n');
            }

            File.WriteAllText(Path.Combine(folder, $"file-{file:D3}.yaml"), text.ToString());
        }
    }
}
