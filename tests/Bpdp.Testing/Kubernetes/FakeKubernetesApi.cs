using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bpdp.Testing.Kubernetes;

/// <summary>
/// An in-process stand-in for kube-apiserver, serving Deployments (<c>/apis/apps/v1</c>) and Services
/// (<c>/api/v1</c>) in any namespace the way the real one answers: list, watch, get, create, replace, merge and
/// JSON patch, delete; errors as <c>Status</c> objects; one revision counter for resourceVersions; bearer-token
/// authentication. A simulated deployment controller moves Deployments to ready. Every request is logged, and
/// a fault can be injected into the next matching one.
/// </summary>
public sealed partial class FakeKubernetesApi : IAsyncDisposable
{
    private readonly ConcurrentQueue<RecordedRequest> requests = new();
    private readonly List<ApiFault> faults = [];
    private readonly CancellationTokenSource stopping = new();
    private WebApplication? app;

    private FakeKubernetesApi(string token)
    {
        Token = token;
        Controller = new DeploymentController(Store);
    }

    public ObjectStore Store { get; } = new();

    public DeploymentController Controller { get; }

    public string Token { get; }

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    public IReadOnlyList<RecordedRequest> Requests => [.. requests];

    /// <summary>Every create, replace, patch and delete, in the order they arrived (failed ones included).</summary>
    public IReadOnlyList<RecordedRequest> Writes => [.. requests.Where(r => r.IsWrite)];

    public static async Task<FakeKubernetesApi> Start(string token = "bpdp-test-token")
    {
        var fake = new FakeKubernetesApi(token);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        fake.app = builder.Build();
        fake.app.Run(fake.Serve);
        await fake.app.StartAsync();
        fake.BaseAddress = new Uri(fake.app.Urls.First());
        return fake;
    }

    public JsonObject? Deployment(string ns, string name) => Store.Get(ApiResource.Deployments, ns, name);

    public JsonObject? Service(string ns, string name) => Store.Get(ApiResource.Services, ns, name);

    /// <summary>Answers the next request that <paramref name="matches"/> with <paramref name="statusCode"/> (a Status like the real one) instead of serving it.</summary>
    public void AnswerNext(Func<RecordedRequest, bool> matches, int statusCode)
    {
        lock (faults)
        {
            faults.Add(new ApiFault(matches, statusCode));
        }
    }

    /// <summary>Closes the next watch request that <paramref name="matches"/> right after its headers, before any event.</summary>
    public void CloseNextWatch(Func<RecordedRequest, bool>? matches = null) =>
        AnswerNext(r => r.IsWatch && (matches?.Invoke(r) ?? true), ApiFault.CloseWatch);

    /// <summary>
    /// Answers the next watch that <paramref name="matches"/> as kube-apiserver does when its resourceVersion is
    /// older than what etcd still keeps: one ERROR event carrying a 410 Expired Status, then the stream closes.
    /// </summary>
    public void ExpireNextWatch(Func<RecordedRequest, bool>? matches = null) =>
        AnswerNext(r => r.IsWatch && (matches?.Invoke(r) ?? true), ApiFault.ExpireWatch);

    /// <summary>Writes a kubeconfig whose context <paramref name="context"/> reaches this server with its token, in <paramref name="ns"/>.</summary>
    public string WriteKubeconfig(string path, string context, string ns)
    {
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
              - name: fake-cluster
                cluster:
                  server: {BaseAddress.GetLeftPart(UriPartial.Authority)}
            users:
              - name: fake-user
                user:
                  token: {Token}
            contexts:
              - name: {context}
                context:
                  cluster: fake-cluster
                  user: fake-user
                  namespace: {ns}
            current-context: {context}

            """);
        return path;
    }

    private async Task Serve(HttpContext http)
    {
        var request = http.Request;
        var body = await new StreamReader(request.Body).ReadToEndAsync(http.RequestAborted);
        var recorded = new RecordedRequest(request.Method, request.Path.Value ?? "/", request.QueryString.Value ?? "", request.ContentType, body);
        requests.Enqueue(recorded);
        try
        {
            if (request.Headers.Authorization.ToString() != $"Bearer {Token}")
            {
                throw ApiError.Unauthorized();
            }

            if (TakeFault(recorded) is { } fault)
            {
                if (fault.StatusCode is not (ApiFault.CloseWatch or ApiFault.ExpireWatch))
                {
                    throw Injected(fault.StatusCode, recorded);
                }

                http.Response.ContentType = "application/json";
                if (fault.StatusCode == ApiFault.ExpireWatch)
                {
                    var expired = new ApiError(410, "Expired", $"too old resource version: {Store.Revision - 1} ({Store.Revision})");
                    await http.Response.WriteAsync(ApiJson.Write(new JsonObject { ["type"] = "ERROR", ["object"] = expired.Status() }) + "\n", http.RequestAborted);
                }

                await http.Response.Body.FlushAsync(http.RequestAborted);
            }
            else
            {
                await Route(http, recorded);
            }
        }
        catch (ApiError error)
        {
            http.Response.StatusCode = error.Code;
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(ApiJson.Write(error.Status()), http.RequestAborted);
        }
        catch (JsonException error)
        {
            var invalid = ApiError.BadRequest($"the object provided is unrecognized: {error.Message}");
            http.Response.StatusCode = invalid.Code;
            await http.Response.WriteAsync(ApiJson.Write(invalid.Status()), http.RequestAborted);
        }
        finally
        {
            recorded.StatusCode = http.Response.StatusCode;
        }
    }

    private async Task Route(HttpContext http, RecordedRequest recorded)
    {
        var match = ResourcePath().Match(recorded.Path);
        if (!match.Success)
        {
            throw ApiError.PathNotFound();
        }

        var resource = match.Groups["group"].Value == "apis/apps/v1" && match.Groups["plural"].Value == "deployments" ? ApiResource.Deployments
            : match.Groups["group"].Value == "api/v1" && match.Groups["plural"].Value == "services" ? ApiResource.Services
            : throw ApiError.PathNotFound();
        var ns = match.Groups["ns"].Value;
        var name = match.Groups["name"].Success ? match.Groups["name"].Value : null;
        var query = http.Request.Query;
        switch (http.Request.Method, name)
        {
            case ("GET", null) when recorded.IsWatch:
                using (var subscription = Store.Watch(resource, ns, WatchStart(query["resourceVersion"])))
                {
                    var timeout = int.TryParse(query["timeoutSeconds"], CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
                    using var ending = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, stopping.Token);
                    await WatchStream.Serve(http.Response, subscription, Selector.Parse(query["labelSelector"], query["fieldSelector"]), timeout, ending.Token);
                }

                return;
            case ("GET", null):
                var (items, revision) = Store.List(resource, ns, Selector.Parse(query["labelSelector"], query["fieldSelector"]));
                foreach (var item in items)
                {
                    item.Remove("kind");
                    item.Remove("apiVersion");
                }

                await Answer(http, 200, new JsonObject
                {
                    ["kind"] = $"{resource.Kind}List",
                    ["apiVersion"] = resource.ApiVersion,
                    ["metadata"] = new JsonObject { ["resourceVersion"] = revision.ToString(CultureInfo.InvariantCulture) },
                    ["items"] = new JsonArray([.. items]),
                });
                return;
            case ("POST", null):
                await Answer(http, 201, Store.Create(resource, ns, Parse(recorded.Body)));
                return;
            case ("GET", { } existing):
                await Answer(http, 200, Store.Get(resource, ns, existing) ?? throw ApiError.NotFound(resource, existing));
                return;
            case ("PUT", { } replaced):
                await Answer(http, 200, Store.Replace(resource, ns, replaced, Parse(recorded.Body)));
                return;
            case ("PATCH", { } patched):
                await Answer(http, 200, Store.Patch(resource, ns, patched, Patcher(resource, patched, recorded)));
                return;
            case ("DELETE", { } deleted):
                var preconditions = recorded.Body.Length == 0 ? null : JsonNode.Parse(recorded.Body)?["preconditions"];
                var gone = Store.Delete(resource, ns, deleted, preconditions?["resourceVersion"]?.GetValue<string>(), preconditions?["uid"]?.GetValue<string>());
                await Answer(http, 200, resource.AnswersDeleteWithObject ? gone : Deleted(resource, gone));
                return;
            default:
                throw ApiError.MethodNotAllowed();
        }
    }

    /// <summary>Merge patch (RFC 7386) or JSON patch (RFC 6902) by the request's media type; any other is 415.</summary>
    private static Func<JsonObject, JsonObject> Patcher(ApiResource resource, string name, RecordedRequest recorded)
    {
        var mediaType = recorded.ContentType?.Split(';')[0].Trim() ?? "";
        return mediaType switch
        {
            "application/merge-patch+json" => current => JsonPatches.Merge(current, Parse(recorded.Body)) as JsonObject ?? throw ApiError.BadRequest("a merge patch must be an object"),
            "application/json-patch+json" => current =>
            {
                var operations = JsonNode.Parse(recorded.Body) as JsonArray ?? throw ApiError.BadRequest("a JSON patch must be an array of operations");
                try
                {
                    return JsonPatches.Apply(current, operations).AsObject();
                }
                catch (JsonPatchException error)
                {
                    throw new ApiError(422, "Invalid", $"the server rejected our request due to an error in our request: {error.Message}",
                        new JsonObject { ["name"] = name, ["group"] = resource.Group, ["kind"] = resource.Plural });
                }
            },
            _ => throw ApiError.UnsupportedPatch(mediaType),
        };
    }

    /// <summary>The Status a delete answers when the object is gone at once.</summary>
    private static JsonObject Deleted(ApiResource resource, JsonObject gone)
    {
        var details = new JsonObject { ["name"] = gone["metadata"]!["name"]!.DeepClone() };
        if (resource.Group.Length > 0)
        {
            details["group"] = resource.Group;
        }

        details["kind"] = resource.Plural;
        details["uid"] = gone["metadata"]!["uid"]!.DeepClone();
        return new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Success", ["details"] = details };
    }

    private static long? WatchStart(string? resourceVersion) =>
        string.IsNullOrEmpty(resourceVersion) || resourceVersion == "0" ? null
        : long.TryParse(resourceVersion, CultureInfo.InvariantCulture, out var from) ? from
        : throw ApiError.BadRequest($"invalid resource version: {resourceVersion}");

    private static JsonObject Parse(string body) => JsonNode.Parse(body) as JsonObject ?? throw ApiError.BadRequest("the body must be a JSON object");

    private static async Task Answer(HttpContext http, int status, JsonObject body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(ApiJson.Write(body), http.RequestAborted);
    }

    private ApiFault? TakeFault(RecordedRequest recorded)
    {
        lock (faults)
        {
            var fault = faults.FirstOrDefault(f => f.Matches(recorded));
            if (fault is not null)
            {
                faults.Remove(fault);
            }

            return fault;
        }
    }

    private static ApiError Injected(int statusCode, RecordedRequest recorded)
    {
        var segments = recorded.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var resource = segments.Contains("deployments") ? ApiResource.Deployments : ApiResource.Services;
        var name = segments[^1] is "deployments" or "services" ? "" : segments[^1];
        return statusCode switch
        {
            404 => ApiError.NotFound(resource, name),
            409 => ApiError.Conflict(resource, name),
            500 => ApiError.InternalError(),
            _ => new ApiError(statusCode, "Unknown", $"injected {statusCode}"),
        };
    }

    [GeneratedRegex("^/(?<group>api/v1|apis/apps/v1)/namespaces/(?<ns>[^/]+)/(?<plural>deployments|services)(/(?<name>[^/]+))?$")]
    private static partial Regex ResourcePath();

    public async ValueTask DisposeAsync()
    {
        Controller.Dispose();
        await stopping.CancelAsync();
        Store.CloseWatches();
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        stopping.Dispose();
    }
}
