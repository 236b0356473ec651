using System.Text;
using System.Text.Json.Nodes;

namespace Bpdp.Trust.Attestations;

/// <summary>An in-toto Statement v1: what it is about (<c>subject</c>, by sha256 digest), what it says (<c>predicateType</c>) and the saying (<c>predicate</c>).</summary>
public static class InTotoStatement
{
    public const string Type = "https://in-toto.io/Statement/v1";

    /// <summary>The statement about the image <paramref name="digest"/>, named <paramref name="subjectName"/>.</summary>
    public static byte[] Create(string subjectName, string digest, string predicateType, JsonObject predicate) => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["_type"] = Type,
        ["subject"] = new JsonArray(new JsonObject { ["name"] = subjectName, ["digest"] = new JsonObject { ["sha256"] = Hex(digest) } }),
        ["predicateType"] = predicateType,
        ["predicate"] = predicate,
    }.ToJsonString());

    /// <summary>The statement is about <paramref name="digest"/>: one of its subjects has that sha256.</summary>
    public static bool IsAbout(JsonNode? statement, string digest) =>
        Json.Member(statement, "subject") is JsonArray subjects && subjects.Any(s => Json.Text(Json.Member(Json.Member(s, "digest"), "sha256")) == Hex(digest));

    /// <summary>The sha256 digests the statement is about, for a message that says which.</summary>
    public static string Subjects(JsonNode? statement) =>
        Json.Member(statement, "subject") is JsonArray subjects
            ? string.Join(", ", subjects.Select(s => "sha256:" + Json.Text(Json.Member(Json.Member(s, "digest"), "sha256"))))
            : "nothing";

    public static string? PredicateType(JsonNode? statement) => Json.Text(Json.Member(statement, "predicateType"));

    public static JsonNode? Predicate(JsonNode? statement) => Json.Member(statement, "predicate");

    public static bool IsStatement(JsonNode? statement) => Json.Text(Json.Member(statement, "_type")) == Type;

    private static string Hex(string digest) => digest.StartsWith("sha256:", StringComparison.Ordinal) ? digest[7..] : digest;
}
