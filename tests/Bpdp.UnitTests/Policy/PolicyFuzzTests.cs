using System.Text;
using System.Text.Json.Nodes;
using Bpdp.Policy;

namespace Bpdp.UnitTests.Policy;

/// <summary>
/// Generated malformed policies and cases, from a fixed seed so any failure reproduces: the parser and
/// the case validator never throw and never hang, and each input is rejected with a located reason.
/// Every generator breaks the document in a way that cannot yield a valid policy.
/// </summary>
public sealed class PolicyFuzzTests
{
    private const int Count = 1000;
    private static readonly string Valid = PolicyExamples.HazFast("1.0.0");
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_thousand_malformed_policies_are_each_rejected_with_a_located_reason()
    {
        var random = new Random(20261127);
        var generators = new Func<Random, string>[] { Garbage, UnknownKey, TruncatedBeforeSpec, BrokenCondition, WrongScalarType, DuplicatedRuleId, TabIndented };

        for (var i = 0; i < Count; i++)
        {
            var generator = generators[i % generators.Length];
            var yaml = generator(random);

            var result = await Task.Run(() => PolicyValidator.Validate(yaml)).WaitAsync(HangGuard);

            Assert.False(result.IsValid, $"document {i} ({generator.Method.Name}) was accepted:\n{yaml}");
            Assert.NotEmpty(result.Errors);
            Assert.All(result.Errors, e =>
            {
                Assert.True(e.Line >= 1 && e.Column >= 1, $"document {i}: error without a position: {e}");
                Assert.False(string.IsNullOrWhiteSpace(e.Message));
            });
        }
    }

    [Fact]
    public async Task A_thousand_malformed_cases_are_each_rejected_with_the_field_at_fault()
    {
        var policy = PolicyValidator.Validate(Valid).Policy!;
        var random = new Random(27112026);
        var valid = JsonNode.Parse("""{"injuries": 1, "severity": "minor", "fatality": false, "workers": 55, "industry": "other", "incidentOn": "2026-11-07"}""")!.AsObject();
        var fields = valid.Select(p => p.Key).ToArray();

        for (var i = 0; i < Count; i++)
        {
            var broken = valid.DeepClone().AsObject();
            var field = fields[random.Next(fields.Length)];
            switch (i % 5)
            {
                case 0: broken.Remove(field); break;
                case 1: broken[field] = WrongTypeFor(broken[field]!, random); break;
                case 2: broken[$"unknown_{random.Next(1000)}"] = random.Next(); break;
                case 3: broken[field] = new JsonArray(1, 2); break;
                default: broken["severity"] = RandomText(random, 12); break;
            }

            var (values, errors) = await Task.Run(() => policy.Cases.ValidateJson(broken)).WaitAsync(HangGuard);

            Assert.True(values is null, $"case {i} was accepted: {broken.ToJsonString()}");
            Assert.NotEmpty(errors);
        }

        Assert.NotEmpty(policy.Cases.ValidateJson(JsonNode.Parse("[1, 2]")).Errors);
        Assert.NotEmpty(policy.Cases.ValidateJson(JsonNode.Parse("\"text\"")).Errors);
        Assert.NotEmpty(policy.Cases.ValidateJson(null).Errors);
    }

    private static string Garbage(Random random)
    {
        const string alphabet = "{}[]:,-#&*!|>'\"%@` \n\tabcxyz0123456789";
        var text = new StringBuilder();
        for (var i = random.Next(1, 400); i > 0; i--)
        {
            text.Append(alphabet[random.Next(alphabet.Length)]);
        }

        return text.ToString();
    }

    private static string UnknownKey(Random random)
    {
        var lines = Valid.Split('\n').ToList();
        var topLevel = lines.FindIndex(l => l.StartsWith("spec:", StringComparison.Ordinal));
        lines.Insert(random.Next(0, topLevel + 1) is var at && lines[at].StartsWith(' ') ? topLevel : at, $"{RandomText(random, 8)}_x: {random.Next()}");
        return string.Join('\n', lines);
    }

    private static string TruncatedBeforeSpec(Random random) => Valid[..random.Next(0, Valid.IndexOf("\nspec:", StringComparison.Ordinal))];

    private static string BrokenCondition(Random random)
    {
        var broken = new[] { "input.injuries >", "((input.injuries", "input.injuries >= 'x'", "input.nope == 1", "1 + ", "input.severity in", "&&", "input.fatality ? 1 : " }[random.Next(8)];
        return Valid.Replace("when: input.injuries >= 3", $"when: \"{broken}\"", StringComparison.Ordinal);
    }

    private static string WrongScalarType(Random random) => random.Next(3) switch
    {
        0 => Valid.Replace("replicas: 2", $"replicas: {RandomText(random, 5)}", StringComparison.Ordinal),
        1 => Valid.Replace("interval: 5s", $"interval: {random.Next(1, 99)} {RandomText(random, 4)}", StringComparison.Ordinal),
        _ => Valid.Replace("count: 4", $"count: -{random.Next(1, 99)}", StringComparison.Ordinal),
    };

    private static string DuplicatedRuleId(Random random)
    {
        var ids = new[] { "fatality-fast-track", "amputation-or-hospitalization", "multi-injury" };
        return Valid.Replace("- id: severe-injury", $"- id: {ids[random.Next(ids.Length)]}", StringComparison.Ordinal);
    }

    private static string TabIndented(Random random)
    {
        var lines = Valid.Split('\n');
        var candidates = lines.Select((l, i) => (l, i)).Where(x => x.l.StartsWith("  ", StringComparison.Ordinal) && !x.l.TrimStart().StartsWith('#')).ToArray();
        var (line, index) = candidates[random.Next(candidates.Length)];
        lines[index] = "\t" + line.TrimStart();
        return string.Join('\n', lines);
    }

    private static JsonNode WrongTypeFor(JsonNode value, Random random) => value.GetValueKind() switch
    {
        System.Text.Json.JsonValueKind.Number => JsonValue.Create(RandomText(random, 6)),
        System.Text.Json.JsonValueKind.String => JsonValue.Create(random.Next(-100, 100) + 0.5),
        _ => JsonValue.Create(RandomText(random, 3)),
    };

    private static string RandomText(Random random, int length) =>
        new(Enumerable.Range(0, length).Select(_ => (char)('a' + random.Next(26))).ToArray());
}
