using System.Text;
using Bpdp.Contracts;
using Bpdp.Scanner.Secrets;

namespace Bpdp.UnitTests.Scanner;

/// <summary>Every built-in rule finds its kind of secret, and no finding carries the secret.</summary>
public sealed class SecretDetectorTests : IDisposable
{
    private const string Layer = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
    private static readonly SecretRuleSet BuiltIn = SecretRuleSet.BuiltIn();
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-rules-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    public static TheoryData<string> RuleIds => [.. PlantedSecrets.ByRule.Keys.Order(StringComparer.Ordinal)];

    private static IReadOnlyList<ScanFinding> Scan(string path, string text, SecretRuleSet? rules = null) =>
        new SecretDetector(rules ?? BuiltIn).Scan(Layer, path, Encoding.UTF8.GetBytes(text));

    [Fact]
    public void There_are_at_least_forty_built_in_rules_and_each_has_a_planted_sample()
    {
        Assert.True(BuiltIn.Rules.Count >= 40, $"{BuiltIn.Rules.Count} rules");
        Assert.Equal(BuiltIn.Rules.Select(r => r.Id).Order(StringComparer.Ordinal), PlantedSecrets.ByRule.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Each_rule_finds_its_secret_on_the_right_line_with_the_secret_redacted(string ruleId)
    {
        var (path, line, secret) = PlantedSecrets.ByRule[ruleId];

        var findings = Scan(path, $"# settings\nname: haz-fast\n{line}\nmode: production\n");

        var finding = Assert.Single(findings, f => f.RuleId == ruleId);
        Assert.Equal(3, finding.Line);
        Assert.Equal(path, finding.Path);
        Assert.Equal(Layer, finding.LayerDigest);
        Assert.Contains("*****", finding.Excerpt, StringComparison.Ordinal);
        Assert.All(findings, f =>
        {
            Assert.DoesNotContain(secret, f.Excerpt ?? "", StringComparison.Ordinal);
            Assert.DoesNotContain(secret, f.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Placeholders_examples_and_ordinary_configuration_are_not_secrets()
    {
        var text = """
            # The documented example key from the cloud provider's manual:
            aws_access_key_id = AKIAIOSFODNN7EXAMPLE
            password: ${DB_PASSWORD}
            api_key: <your-api-key>
            token: changeme
            connection: Server=db;Database=osha;User Id=app;Password=$DB_PASSWORD;
            url: https://example.gov/reports?page=2
            secret_name: osha-production-tls
            The access key rotation runs every 90 days; see the runbook.
            """;

        Assert.Empty(Scan("etc/app/settings.conf", text));
    }

    [Fact]
    public void A_binary_file_is_skipped_by_content_and_a_text_file_is_scanned_whatever_its_name()
    {
        var (_, line, _) = PlantedSecrets.ByRule["github-pat"];
        byte[] binary = [0x7f, (byte)'E', (byte)'L', (byte)'F', 0, 0, .. Encoding.UTF8.GetBytes(line)];

        Assert.Empty(new SecretDetector(BuiltIn).Scan(Layer, "usr/lib/libexample.txt", binary));
        Assert.Single(Scan("usr/lib/libexample.so", line));
    }

    [Fact]
    public void Two_secrets_on_one_line_are_both_redacted_in_each_finding()
    {
        var (_, github, githubSecret) = PlantedSecrets.ByRule["github-pat"];
        var (_, slack, slackSecret) = PlantedSecrets.ByRule["slack-bot-token"];

        var findings = Scan("etc/app/both.env", $"{github} {slack}");

        Assert.Equal(2, findings.Count);
        Assert.All(findings, f =>
        {
            Assert.DoesNotContain(githubSecret, f.Excerpt!, StringComparison.Ordinal);
            Assert.DoesNotContain(slackSecret, f.Excerpt!, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task An_agency_file_adds_rules_and_disables_built_in_ones()
    {
        var file = Path.Combine(folder, "agency-rules.yaml");
        await File.WriteAllTextAsync(file, """
            disabled: [jwt]
            rules:
              - id: osha-case-system-key
                description: OSHA case-system API key
                regex: '\b(OCS-[0-9A-F]{24})\b'
                secretGroup: 1
                keywords: [ocs-]
                severity: Critical
            """);
        var rules = SecretRuleSet.Load([file], ["mailgun-api-key"]);

        Assert.Single(Scan("etc/app/ocs.env", "CASES=OCS-0123456789ABCDEF01234567", rules), f => f.RuleId == "osha-case-system-key" && f.Severity == Severity.Critical);
        Assert.DoesNotContain(rules.Rules, r => r.Id is "jwt" or "mailgun-api-key");
        Assert.Empty(Scan("etc/app/session.txt", PlantedSecrets.ByRule["jwt"].Line, rules));
    }

    [Fact]
    public async Task A_rule_file_with_a_bad_regex_is_refused_naming_the_file_and_rule()
    {
        var file = Path.Combine(folder, "broken.yaml");
        await File.WriteAllTextAsync(file, "rules:\n  - id: broken\n    regex: '(unclosed'\n    keywords: [x]\n");

        var error = Assert.Throws<InvalidOperationException>(() => SecretRuleSet.Load([file], []));

        Assert.Contains("broken.yaml: rule broken: invalid regex", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("aaaaaaaaaaaaaaaa", 0.0)]
    [InlineData("abababababababab", 1.0)]
    [InlineData("0123456789abcdef", 4.0)]
    public void Entropy_is_shannon_bits_per_character(string text, double bits) => Assert.Equal(bits, Entropy.Of(text), 6);
}
