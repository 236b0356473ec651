namespace Bpdp.UnitTests.Policy;

/// <summary>One-input policies built around a single condition, as a hostile author would write them.</summary>
internal static class HostilePolicies
{
    /// <summary>The line and column of the rule's <c>when</c> value in <see cref="Module"/>'s output.</summary>
    public const int WhenLine = 15;
    public const int WhenColumn = 13;

    /// <summary>The line and column of the first sample in <see cref="Module"/>'s output.</summary>
    public const int SampleLine = 19;
    public const int SampleColumn = 7;

    /// <summary>
    /// A policy with one text input <c>s</c>, one rule <c>r</c> deciding <c>route: a</c> when
    /// <paramref name="when"/> holds (default <c>route: b</c>), and one sample with <c>s</c> set to
    /// <paramref name="sample"/> that expects <paramref name="expect"/>.
    /// </summary>
    public static string Module(string when, string sample, string expect = "b", string name = "hostile") => $"""
        apiVersion: bpdp.io/v1
        kind: PolicyModule
        metadata:
          name: {name}
          version: 1.0.0
          agency: osha
          title: Hostile
        spec:
          inputs:
            - name: s
              type: string
              required: true
          rules:
            - id: r
              when: "{when}"
              then: {"{"} route: a {"}"}
          default: {"{"} route: b {"}"}
          samples:
            - name: first
              input: {"{"} s: '{sample}' {"}"}
              expect: {"{"} route: {expect} {"}"}

        """;

    /// <summary>A CEL list literal of the whole numbers 0 to <paramref name="count"/> - 1.</summary>
    public static string List(int count) => "[" + string.Join(",", Enumerable.Range(0, count)) + "]";

    /// <summary>
    /// <paramref name="depth"/> nested <c>.all()</c> over <paramref name="list"/>, the innermost testing that
    /// the sum of the loop variables is not negative (always true).
    /// </summary>
    public static string NestedAll(int depth, string list)
    {
        var variables = Enumerable.Range(0, depth).Select(i => ((char)('a' + i)).ToString()).ToList();
        var body = string.Join(" + ", variables) + " >= 0";
        for (var i = depth - 1; i >= 0; i--)
        {
            body = $"{list}.all({variables[i]}, {body})";
        }

        return body;
    }
}
