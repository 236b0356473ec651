using System.Text.Json.Nodes;

namespace Bpdp.Testing.Kubernetes;

/// <summary>One request the fake API server received, in arrival order, with the status it was answered with.</summary>
public sealed class RecordedRequest(string method, string path, string query, string? contentType, string body)
{
    private int statusCode;

    public string Method => method;

    public string Path => path;

    public string Query => query;

    public string? ContentType => contentType;

    public string Body => body;

    /// <summary>0 until answered; a watch is answered when it ends.</summary>
    public int StatusCode
    {
        get => Volatile.Read(ref statusCode);
        internal set => Volatile.Write(ref statusCode, value);
    }

    public bool IsWrite => method is "POST" or "PUT" or "PATCH" or "DELETE";

    public bool IsWatch => query.Contains("watch=true", StringComparison.Ordinal) || query.Contains("watch=1", StringComparison.Ordinal);

    /// <summary>The request in a few words: <c>POST deployments/haz-fast-blue</c>, <c>PATCH services/haz-fast</c>.</summary>
    public string Summary
    {
        get
        {
            var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var named = segments.Length >= 2 && segments[^2] is "deployments" or "services";
            var resource = named ? segments[^2] : segments[^1];
            var name = named ? segments[^1] : NameInBody();
            return name is null ? $"{method} {resource}" : $"{method} {resource}/{name}";
        }
    }

    public JsonNode? Json() => body.Length == 0 ? null : JsonNode.Parse(body);

    private string? NameInBody()
    {
        try
        {
            return Json()?["metadata"]?["name"]?.GetValue<string>();
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    public override string ToString() => $"{method} {path}{query} → {StatusCode}";
}
