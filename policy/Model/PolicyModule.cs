namespace Bpdp.Policy.Model;

/// <summary>A parsed policy module: what <c>policy.yaml</c> says, before its conditions are compiled.</summary>
public sealed record PolicyModule(
    string ApiVersion,
    PolicyMetadata Metadata,
    IReadOnlyList<InputField> Inputs,
    IReadOnlyList<PolicyRule> Rules,
    Outcome Default,
    IReadOnlyList<PolicySample> Samples,
    DeploySettings Deploy);

/// <summary><c>metadata</c>: what the module is and whose.</summary>
public sealed record PolicyMetadata(string Name, string Version, string Agency, string Title, string? Description);

/// <summary>One typed field of a case.</summary>
public sealed record InputField(string Name, InputType Type, bool Required, IReadOnlyList<string> Values, SourcePosition Position);

/// <summary>A rule: when its condition holds, its outcome is the decision (first match wins).</summary>
public sealed record PolicyRule(string Id, string When, Outcome Then, SourcePosition Position, SourcePosition WhenPosition);

/// <summary>A case with the decision it must produce: the policy's own test, run by the linter.</summary>
public sealed record PolicySample(string Name, IReadOnlyDictionary<string, object?> Input, Outcome Expect, string? ExpectRule, SourcePosition Position);

/// <summary>The fields a decision sets, e.g. <c>route</c> and <c>deadlineHours</c>. Values are text, numbers or booleans.</summary>
public sealed record Outcome(IReadOnlyDictionary<string, object> Fields)
{
    public bool Matches(Outcome other) =>
        Fields.Count == other.Fields.Count &&
        Fields.All(field => other.Fields.TryGetValue(field.Key, out var value) && ScalarEquals(field.Value, value));

    private static bool ScalarEquals(object a, object b) => (a, b) switch
    {
        (double x, double y) => x.Equals(y),
        (long x, long y) => x == y,
        (long x, double y) => x == y,
        (double x, long y) => x == y,
        _ => a.Equals(b),
    };
}

/// <summary>Where a node stands in the YAML file (1-based).</summary>
public readonly record struct SourcePosition(int Line, int Column);
