using System.Text.Json;

namespace Bpdp.Platform.Bus;

/// <summary>
/// Finds a JSON object that names one member twice. Parsers disagree on such a body — the first value
/// wins, the last wins, or it is an error — so two consumers of one message could act on different
/// values; a strict consumer refuses it instead. Names are compared after unescaping, so
/// <c>"a"</c> and <c>"\u0061"</c> are the same name.
/// </summary>
public static class DuplicateJsonKeys
{
    /// <summary>
    /// The path (<c>$.a.b[2].c</c>) of the first member named twice in its object, or <c>null</c> when
    /// every object's names are distinct. Throws <see cref="JsonException"/> when the body is not JSON.
    /// </summary>
    public static string? Find(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        var open = new Stack<Container>();
        string? member = null;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    member = reader.GetString()!;
                    if (!open.Peek().Names!.Add(member))
                    {
                        return $"{open.Peek().Path}.{member}";
                    }

                    break;
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    var path = ValuePath(open, member);
                    open.Push(new Container(path, reader.TokenType == JsonTokenType.StartObject ? new HashSet<string>(StringComparer.Ordinal) : null));
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    open.Pop();
                    break;
                default:
                    ValuePath(open, member);
                    break;
            }
        }

        return null;
    }

    private static string ValuePath(Stack<Container> open, string? member)
    {
        if (open.Count == 0)
        {
            return "$";
        }

        var parent = open.Peek();
        return parent.Names is null ? $"{parent.Path}[{parent.NextIndex++}]" : $"{parent.Path}.{member}";
    }

    private sealed class Container(string path, HashSet<string>? names)
    {
        public string Path { get; } = path;

        /// <summary>The member names seen so far; null for an array.</summary>
        public HashSet<string>? Names { get; } = names;

        public int NextIndex { get; set; }
    }
}
