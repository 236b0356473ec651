using System.Text.Json.Nodes;

namespace Bpdp.Testing.Kubernetes;

/// <summary>
/// A list or watch request's <c>labelSelector</c> and <c>fieldSelector</c>: comma-separated terms that must all hold.
/// Labels take <c>k=v</c>, <c>k==v</c>, <c>k!=v</c>, <c>k</c> and <c>!k</c>; fields take <c>metadata.name</c> and
/// <c>metadata.namespace</c> with <c>=</c>, <c>==</c> or <c>!=</c>, as the real server does for these resources.
/// </summary>
public sealed class Selector
{
    private readonly List<Func<JsonObject, bool>> terms = [];

    public static Selector Parse(string? labelSelector, string? fieldSelector)
    {
        var selector = new Selector();
        foreach (var term in Terms(labelSelector))
        {
            selector.terms.Add(LabelTerm(term));
        }

        foreach (var term in Terms(fieldSelector))
        {
            selector.terms.Add(FieldTerm(term));
        }

        return selector;
    }

    public bool Matches(JsonObject? item) => item is not null && terms.All(t => t(item));

    private static IEnumerable<string> Terms(string? selector) =>
        string.IsNullOrWhiteSpace(selector) ? [] : selector.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static Func<JsonObject, bool> LabelTerm(string term)
    {
        static string? Label(JsonObject item, string key) => item["metadata"]?["labels"]?[key]?.GetValue<string>();
        if (term.Contains(" in ", StringComparison.Ordinal) || term.Contains(" notin ", StringComparison.Ordinal))
        {
            throw ApiError.BadRequest($"unable to parse requirement: set-based requirement {term} is not served by this server");
        }

        var (key, op, value) = Split(term);
        return op switch
        {
            "=" or "==" => item => Label(item, key) == value,
            "!=" => item => Label(item, key) != value,
            _ when key.StartsWith('!') => item => Label(item, key[1..]) is null,
            _ => item => Label(item, key) is not null,
        };
    }

    private static Func<JsonObject, bool> FieldTerm(string term)
    {
        var (field, op, value) = Split(term);
        Func<JsonObject, string?> read = field switch
        {
            "metadata.name" => item => item["metadata"]?["name"]?.GetValue<string>(),
            "metadata.namespace" => item => item["metadata"]?["namespace"]?.GetValue<string>(),
            _ => throw ApiError.BadRequest($"field label not supported: {field}"),
        };
        return op switch
        {
            "=" or "==" => item => read(item) == value,
            "!=" => item => read(item) != value,
            _ => throw ApiError.BadRequest($"invalid field selector: {term}"),
        };
    }

    private static (string Key, string Op, string Value) Split(string term)
    {
        foreach (var op in new[] { "==", "!=", "=" })
        {
            var at = term.IndexOf(op, StringComparison.Ordinal);
            if (at > 0)
            {
                return (term[..at].Trim(), op, term[(at + op.Length)..].Trim());
            }
        }

        return (term, "", "");
    }
}
