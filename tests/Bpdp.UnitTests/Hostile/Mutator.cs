using System.Text;
using System.Text.Json.Nodes;

namespace Bpdp.UnitTests.Hostile;

/// <summary>
/// Seeded mutations of valid inputs, each of which cannot leave the input valid: a failure names its seed and index, so
/// it reproduces. Byte-level mutations break syntax; member-level ones break the type, presence or value of a field.
/// </summary>
internal sealed class Mutator(int seed)
{
    private static readonly string[] Junk = ["\u0000", "\uFFFF", "\\ud800", "\u202E", "../", "%00", "\r\n", "{{", "'", "\"", "\\"];

    public Random Random { get; } = new(seed);

    public T Pick<T>(IReadOnlyList<T> items) => items[Random.Next(items.Count)];

    /// <summary>The bytes cut short, somewhere before their end (so JSON, tar or gzip is left unterminated).</summary>
    public byte[] Truncated(byte[] content) => content[..Random.Next(0, Math.Max(1, content.Length - 1))];

    /// <summary>A few bytes of the content replaced by random ones (at least one byte changed).</summary>
    public byte[] Flipped(byte[] content, int flips = 3)
    {
        var copy = content.ToArray();
        for (var i = 0; i < flips; i++)
        {
            var at = Random.Next(copy.Length);
            copy[at] = (byte)(copy[at] ^ (1 + Random.Next(255)));
        }

        return copy;
    }

    public string Text(int length)
    {
        var text = new StringBuilder(length);
        while (text.Length < length)
        {
            text.Append(Random.Next(4) == 0 ? Pick(Junk) : ((char)Random.Next(32, 127)).ToString());
        }

        return text.ToString();
    }

    /// <summary>A value of another JSON type than <paramref name="current"/>.</summary>
    public JsonNode? OtherType(JsonNode? current)
    {
        JsonNode?[] choices = [JsonValue.Create(Random.Next()), JsonValue.Create(true), new JsonArray(1, "x"), new JsonObject { ["x"] = 1 }, null, JsonValue.Create(1e300)];
        var kind = KindOf(current);
        var others = choices.Where(c => KindOf(c) != kind).ToList();
        return others[Random.Next(others.Count)]?.DeepClone();
    }

    /// <summary>JSON text of <paramref name="document"/> with one member broken in a way no reader may accept, and what was done.</summary>
    public (string Json, string What) BrokenMember(JsonObject document, IReadOnlyList<string> required)
    {
        var copy = document.DeepClone().AsObject();
        var name = Pick(required);
        switch (Random.Next(6))
        {
            case 0:
                copy.Remove(name);
                return (copy.ToJsonString(), $"{name} removed");
            case 1:
                copy[name] = OtherType(copy[name]);
                return (copy.ToJsonString(), $"{name} of another type");
            case 2:
                var text = copy.ToJsonString();
                var member = $"\"{name}\":";
                var at = text.IndexOf(member, StringComparison.Ordinal);
                return (text.Insert(at, $"{member}{copy[name]?.ToJsonString() ?? "null"},"), $"{name} duplicated");
            case 3:
                copy[name] = Nested(Random.Next(70, 300));
                return (copy.ToJsonString(), $"{name} nested deeply");
            case 4:
                var json = copy.ToJsonString();
                return (json[..Random.Next(1, json.Length - 1)], "truncated");
            default:
                // A raw control character is invalid everywhere in JSON: inside a string it must be escaped, outside it is no token.
                var whole = copy.ToJsonString();
                var cut = Random.Next(1, whole.Length - 1);
                return (whole[..cut] + (char)Random.Next(1, 9) + whole[cut..], "a raw control character inserted");
        }
    }

    /// <summary>true and false are one type.</summary>
    private static System.Text.Json.JsonValueKind? KindOf(JsonNode? node) =>
        node?.GetValueKind() is System.Text.Json.JsonValueKind.True ? System.Text.Json.JsonValueKind.False : node?.GetValueKind();

    private static JsonNode Nested(int depth)
    {
        JsonNode node = new JsonArray();
        for (var i = 0; i < depth; i++)
        {
            node = new JsonArray(node);
        }

        return node;
    }
}
