using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Bpdp.Testing.Kubernetes;

namespace Bpdp.UnitTests.Rollout.Kubernetes;

/// <summary>The fake API server answers as kube-apiserver does where the Kubernetes target's correctness depends on it.</summary>
public sealed class FakeKubernetesApiTests : IAsyncLifetime
{
    private const string Deployments = "/apis/apps/v1/namespaces/ns/deployments";
    private FakeKubernetesApi api = null!;
    private HttpClient http = null!;

    public async Task InitializeAsync()
    {
        api = await FakeKubernetesApi.Start();
        http = new HttpClient { BaseAddress = api.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", api.Token);
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        await api.DisposeAsync();
    }

    private static JsonObject Deployment(string name) => new()
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "Deployment",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject { ["replicas"] = 1,
            ["template"] = new JsonObject { ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "c", ["image"] = "i@sha256:1" }) } } },
    };

    private async Task<(HttpStatusCode Status, JsonObject Body)> Send(HttpMethod method, string path, JsonNode? body = null, string mediaType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, mediaType);
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("\\u0022", text, StringComparison.Ordinal);
        return (response.StatusCode, JsonNode.Parse(text)!.AsObject());
    }

    private static void AssertJson(string expected, JsonNode actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}\nactual   {actual.ToJsonString()}");

    [Fact]
    public async Task A_replace_at_a_stale_resource_version_is_a_409_Conflict_status()
    {
        var (_, created) = await Send(HttpMethod.Post, Deployments, Deployment("x"));
        var stale = created.DeepClone().AsObject();
        created["spec"]!["replicas"] = 2;
        var (_, updated) = await Send(HttpMethod.Put, $"{Deployments}/x", created);

        var (status, body) = await Send(HttpMethod.Put, $"{Deployments}/x", stale);

        Assert.Equal(2, updated["metadata"]!["generation"]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.Conflict, status);
        AssertJson(
            """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Operation cannot be fulfilled on deployments.apps \"x\": the object has been modified; """ +
            """please apply your changes to the latest version and try again","reason":"Conflict","details":{"name":"x","group":"apps","kind":"deployments"},"code":409}""",
            body);
    }

    [Fact]
    public async Task A_merge_patch_carrying_a_stale_resource_version_is_a_409_and_other_patch_types_are_415()
    {
        var (_, created) = await Send(HttpMethod.Post, "/api/v1/namespaces/ns/services",
            new JsonObject { ["metadata"] = new JsonObject { ["name"] = "p" }, ["spec"] = new JsonObject { ["selector"] = new JsonObject { ["c"] = "blue" } } });
        var version = created["metadata"]!["resourceVersion"]!.GetValue<string>();
        var patch = new JsonObject { ["metadata"] = new JsonObject { ["resourceVersion"] = version }, ["spec"] = new JsonObject { ["selector"] = new JsonObject { ["c"] = "green" } } };
        var (first, patched) = await Send(HttpMethod.Patch, "/api/v1/namespaces/ns/services/p", patch, "application/merge-patch+json");

        var (again, conflict) = await Send(HttpMethod.Patch, "/api/v1/namespaces/ns/services/p", patch, "application/merge-patch+json");
        var (strategic, unsupported) = await Send(HttpMethod.Patch, "/api/v1/namespaces/ns/services/p", patch, "application/strategic-merge-patch+json");

        Assert.Equal((HttpStatusCode.OK, "green"), (first, patched["spec"]!["selector"]!["c"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.Conflict, "Conflict"), (again, conflict["reason"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType"), (strategic, unsupported["reason"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_json_patch_whose_test_fails_changes_nothing()
    {
        await Send(HttpMethod.Post, Deployments, Deployment("x"));
        var patch = new JsonArray(
            new JsonObject { ["op"] = "replace", ["path"] = "/spec/replicas", ["value"] = 3 },
            new JsonObject { ["op"] = "test", ["path"] = "/metadata/name", ["value"] = "y" });

        var (status, body) = await Send(HttpMethod.Patch, $"{Deployments}/x", patch, "application/json-patch+json");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("Invalid", body["reason"]!.GetValue<string>());
        Assert.Equal(1, api.Deployment("ns", "x")!["spec"]!["replicas"]!.GetValue<int>());
    }

    [Fact]
    public async Task Deleting_what_is_absent_is_a_404_NotFound_status()
    {
        var (status, body) = await Send(HttpMethod.Delete, $"{Deployments}/x");

        Assert.Equal(HttpStatusCode.NotFound, status);
        AssertJson(
            """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"deployments.apps \"x\" not found","reason":"NotFound","details":""" +
            """{"name":"x","group":"apps","kind":"deployments"},"code":404}""",
            body);
    }

    [Fact]
    public async Task Creating_a_taken_name_is_a_409_AlreadyExists_status_and_versions_rise_across_resources()
    {
        var (_, first) = await Send(HttpMethod.Post, Deployments, Deployment("x"));
        var (_, service) = await Send(HttpMethod.Post, "/api/v1/namespaces/ns/services", new JsonObject { ["metadata"] = new JsonObject { ["name"] = "x" } });

        var (status, body) = await Send(HttpMethod.Post, Deployments, Deployment("x"));

        Assert.Equal((HttpStatusCode.Conflict, "AlreadyExists", "deployments.apps \"x\" already exists"), (status, body["reason"]!.GetValue<string>(), body["message"]!.GetValue<string>()));
        Assert.True(long.Parse(service["metadata"]!["resourceVersion"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)
            > long.Parse(first["metadata"]!["resourceVersion"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_request_without_the_token_is_401_Unauthorized()
    {
        using var anonymous = new HttpClient { BaseAddress = api.BaseAddress };

        using var response = await anonymous.GetAsync(new Uri(Deployments, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_watch_from_the_created_version_delivers_the_controllers_status_changes_as_MODIFIED()
    {
        var (_, created) = await Send(HttpMethod.Post, Deployments, Deployment("x"));
        var version = created["metadata"]!["resourceVersion"]!.GetValue<string>();
        using var watch = await http.GetAsync(new Uri($"{Deployments}?watch=true&fieldSelector=metadata.name%3Dx&resourceVersion={version}&timeoutSeconds=10", UriKind.Relative),
            HttpCompletionOption.ResponseHeadersRead);
        using var lines = new StreamReader(await watch.Content.ReadAsStreamAsync());

        var events = new List<JsonNode>();
        while (events.LastOrDefault()?["object"]?["status"]?["readyReplicas"]?.GetValue<int>() != 1 && await lines.ReadLineAsync() is { } line)
        {
            events.Add(JsonNode.Parse(line)!);
        }

        Assert.All(events, e => Assert.Equal("MODIFIED", e["type"]!.GetValue<string>()));
        Assert.Equal(["ReplicaSetUpdated", "NewReplicaSetAvailable"], events.Select(e => e["object"]!["status"]!["conditions"]![1]!["reason"]!.GetValue<string>()));
        Assert.Equal(1, events[^1]["object"]!["status"]!["observedGeneration"]!.GetValue<long>());
    }
}
