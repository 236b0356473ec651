using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Bpdp.Testing.Kubernetes;

/// <summary>
/// The fake API server's etcd: objects by resource, namespace and name; one revision counter for the whole
/// store, stamped on each written object as its resourceVersion; the history of every change, from which a
/// watch replays what happened after the version it starts at. Writes follow the API server's rules:
/// optimistic concurrency on resourceVersion, immutable identity, status kept apart from spec, and a write
/// that changes nothing stores nothing.
/// </summary>
public sealed class ObjectStore
{
    private readonly Lock gate = new();
    private readonly Dictionary<(ApiResource Resource, string Namespace, string Name), JsonObject> objects = [];
    private readonly List<StoredEvent> history = [];
    private readonly List<Channel<StoredEvent>> watchers = [];
    private long revision = 100;
    private int nextClusterIp = 10;

    /// <summary>Raised after every stored change, outside the store's lock (the simulated controllers listen).</summary>
    public event Action<StoredEvent>? Changed;

    public long Revision
    {
        get
        {
            lock (gate)
            {
                return revision;
            }
        }
    }

    public JsonObject? Get(ApiResource resource, string ns, string name)
    {
        lock (gate)
        {
            return objects.TryGetValue((resource, ns, name), out var item) ? (JsonObject)item.DeepClone() : null;
        }
    }

    public (List<JsonObject> Items, long Revision) List(ApiResource resource, string ns, Selector selector)
    {
        lock (gate)
        {
            var items = objects.Where(o => o.Key.Resource == resource && o.Key.Namespace == ns && selector.Matches(o.Value))
                .OrderBy(o => o.Key.Name, StringComparer.Ordinal).Select(o => (JsonObject)o.Value.DeepClone()).ToList();
            return (items, revision);
        }
    }

    /// <summary>Stores a new object: AlreadyExists if the name is taken; uid, creationTimestamp, generation 1 and defaults set.</summary>
    public JsonObject Create(ApiResource resource, string ns, JsonObject candidate)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(candidate);
        var metadata = candidate["metadata"] as JsonObject ?? throw ApiError.BadRequest("metadata is required");
        var name = metadata["name"]?.GetValue<string>() is { Length: > 0 } n ? n
            : throw ApiError.Invalid(resource, "", "metadata.name: Required value: name or generateName is required");
        CheckNamespace(metadata, ns);
        if (metadata["resourceVersion"]?.GetValue<string>() is { Length: > 0 })
        {
            throw new ApiError(500, "InternalError", "Internal error occurred: resourceVersion should not be set on objects to be created");
        }

        StoredEvent added;
        lock (gate)
        {
            if (objects.ContainsKey((resource, ns, name)))
            {
                throw ApiError.AlreadyExists(resource, name);
            }

            var item = (JsonObject)candidate.DeepClone();
            item["kind"] = resource.Kind;
            item["apiVersion"] = resource.ApiVersion;
            var meta = item["metadata"]!.AsObject();
            meta["namespace"] = ns;
            meta["uid"] = Guid.NewGuid().ToString();
            meta["creationTimestamp"] = Timestamp(DateTimeOffset.UtcNow);
            if (resource.TracksGeneration)
            {
                meta["generation"] = 1;
                item["status"] = new JsonObject();
            }
            else
            {
                item.Remove("status");
            }

            Defaults(resource, item, previous: null);
            added = Store(resource, ns, name, "ADDED", item, previous: null);
        }

        Changed?.Invoke(added);
        return (JsonObject)added.Object.DeepClone();
    }

    /// <summary>
    /// PUT: the object as given, if its resourceVersion is empty or still the stored one (else 409 Conflict).
    /// Name, namespace, uid and creationTimestamp stay; the status stays; generation rises when the spec changed.
    /// </summary>
    public JsonObject Replace(ApiResource resource, string ns, string name, JsonObject candidate) =>
        Update(resource, ns, name, _ => candidate, statusWrite: false) ?? throw new InvalidOperationException("a replace always answers an object");

    /// <summary>PATCH: <paramref name="patch"/> applied to the stored object, then stored as a PUT of the result would be.</summary>
    public JsonObject Patch(ApiResource resource, string ns, string name, Func<JsonObject, JsonObject> patch) =>
        Update(resource, ns, name, patch, statusWrite: false) ?? throw new InvalidOperationException("a patch always answers an object");

    /// <summary>A controller's write of the status alone; <paramref name="change"/> returns null to write nothing. Null when the object is gone.</summary>
    public JsonObject? WriteStatus(ApiResource resource, string ns, string name, Func<JsonObject, JsonObject?> change)
    {
        try
        {
            return Update(resource, ns, name, change, statusWrite: true);
        }
        catch (ApiError error) when (error.Code == 404)
        {
            return null;
        }
    }

    /// <summary>Removes the object if it exists (404 otherwise) and the preconditions on its resourceVersion and uid hold (409 otherwise).</summary>
    public JsonObject Delete(ApiResource resource, string ns, string name, string? resourceVersion, string? uid)
    {
        StoredEvent deleted;
        lock (gate)
        {
            if (!objects.TryGetValue((resource, ns, name), out var current))
            {
                throw ApiError.NotFound(resource, name);
            }

            var meta = current["metadata"]!;
            if (uid is not null && uid != meta["uid"]!.GetValue<string>())
            {
                throw ApiError.PreconditionFailed(resource, name, "UID", uid, meta["uid"]!.GetValue<string>());
            }

            if (resourceVersion is not null && resourceVersion != meta["resourceVersion"]!.GetValue<string>())
            {
                throw ApiError.PreconditionFailed(resource, name, "ResourceVersion", resourceVersion, meta["resourceVersion"]!.GetValue<string>());
            }

            objects.Remove((resource, ns, name));
            var gone = (JsonObject)current.DeepClone();
            gone["metadata"]!["resourceVersion"] = (++revision).ToString(CultureInfo.InvariantCulture);
            deleted = new StoredEvent(revision, resource, ns, "DELETED", gone, current);
            Publish(deleted);
        }

        Changed?.Invoke(deleted);
        return (JsonObject)deleted.Object.DeepClone();
    }

    /// <summary>
    /// A watch from <paramref name="fromRevision"/>: the changes after it, or, without one, every current object as
    /// ADDED; then every later change, in revision order, until the subscription is disposed.
    /// </summary>
    public WatchSubscription Watch(ApiResource resource, string ns, long? fromRevision)
    {
        var channel = Channel.CreateUnbounded<StoredEvent>(new UnboundedChannelOptions { SingleReader = true });
        lock (gate)
        {
            var backlog = fromRevision is { } from
                ? history.Where(e => e.Revision > from && e.Resource == resource && e.Namespace == ns)
                : objects.Where(o => o.Key.Resource == resource && o.Key.Namespace == ns)
                    .Select(o => new StoredEvent(Version(o.Value), resource, ns, "ADDED", (JsonObject)o.Value.DeepClone(), null))
                    .OrderBy(e => e.Revision);
            foreach (var replayed in backlog)
            {
                channel.Writer.TryWrite(replayed);
            }

            watchers.Add(channel);
        }

        return new WatchSubscription(resource, ns, channel.Reader, () =>
        {
            lock (gate)
            {
                watchers.Remove(channel);
            }

            channel.Writer.TryComplete();
        });
    }

    /// <summary>Ends every open watch, as a restarting API server does.</summary>
    public void CloseWatches()
    {
        lock (gate)
        {
            foreach (var watcher in watchers)
            {
                watcher.Writer.TryComplete();
            }

            watchers.Clear();
        }
    }

    private JsonObject? Update(ApiResource resource, string ns, string name, Func<JsonObject, JsonObject?> change, bool statusWrite)
    {
        StoredEvent modified;
        lock (gate)
        {
            if (!objects.TryGetValue((resource, ns, name), out var current))
            {
                throw ApiError.NotFound(resource, name);
            }

            if (change((JsonObject)current.DeepClone()) is not { } candidate)
            {
                return (JsonObject)current.DeepClone();
            }

            var next = (JsonObject)candidate.DeepClone();
            var meta = next["metadata"] as JsonObject ?? throw ApiError.BadRequest("metadata is required");
            var currentMeta = current["metadata"]!.AsObject();
            if (meta["name"]?.GetValue<string>() is { } given && given != name)
            {
                throw ApiError.BadRequest($"the name of the object ({given}) does not match the name on the URL ({name})");
            }

            CheckNamespace(meta, ns);
            if (meta["resourceVersion"]?.GetValue<string>() is { Length: > 0 } version && version != currentMeta["resourceVersion"]!.GetValue<string>())
            {
                throw ApiError.Conflict(resource, name);
            }

            foreach (var kept in new[] { "name", "namespace", "uid", "creationTimestamp", "generation" })
            {
                meta.Remove(kept);
                if (currentMeta[kept] is { } value)
                {
                    meta[kept] = value.DeepClone();
                }
            }

            if (statusWrite)
            {
                next["spec"] = current["spec"]?.DeepClone();
            }
            else
            {
                next.Remove("status");
                if (current["status"] is { } status)
                {
                    next["status"] = status.DeepClone();
                }

                Defaults(resource, next, current);
                if (resource.TracksGeneration && !JsonNode.DeepEquals(current["spec"], next["spec"]))
                {
                    meta["generation"] = (currentMeta["generation"]?.GetValue<long>() ?? 0) + 1;
                }
            }

            meta["resourceVersion"] = currentMeta["resourceVersion"]!.DeepClone();
            next = Normalized(next);
            if (JsonNode.DeepEquals(current, next))
            {
                return (JsonObject)current.DeepClone();
            }

            modified = Store(resource, ns, name, "MODIFIED", next, current);
        }

        Changed?.Invoke(modified);
        return (JsonObject)modified.Object.DeepClone();
    }

    private StoredEvent Store(ApiResource resource, string ns, string name, string type, JsonObject written, JsonObject? previous)
    {
        written["metadata"]!["resourceVersion"] = (++revision).ToString(CultureInfo.InvariantCulture);
        var item = Normalized(written);
        objects[(resource, ns, name)] = item;
        var stored = new StoredEvent(revision, resource, ns, type, (JsonObject)item.DeepClone(), previous);
        Publish(stored);
        return stored;
    }

    private void Publish(StoredEvent stored)
    {
        history.Add(stored);
        foreach (var watcher in watchers)
        {
            watcher.Writer.TryWrite(stored);
        }
    }

    /// <summary>The defaults the API server fills in that the target's reads depend on; a Service keeps the cluster IP it was given.</summary>
    private void Defaults(ApiResource resource, JsonObject item, JsonObject? previous)
    {
        if (item["spec"] is not JsonObject spec)
        {
            item["spec"] = spec = [];
        }

        if (resource == ApiResource.Deployments)
        {
            spec["replicas"] ??= 1;
            spec["progressDeadlineSeconds"] ??= 600;
            spec["revisionHistoryLimit"] ??= 10;
            spec["strategy"] ??= new JsonObject { ["type"] = "RollingUpdate", ["rollingUpdate"] = new JsonObject { ["maxUnavailable"] = "25%", ["maxSurge"] = "25%" } };
        }
        else if (resource == ApiResource.Services)
        {
            spec["type"] ??= "ClusterIP";
            spec["sessionAffinity"] ??= "None";
            spec["clusterIP"] ??= previous?["spec"]?["clusterIP"]?.DeepClone() ?? $"10.96.0.{nextClusterIp++}";
            foreach (var port in spec["ports"] as JsonArray ?? [])
            {
                port!["protocol"] ??= "TCP";
                port["targetPort"] ??= port["port"]?.DeepClone();
            }
        }
    }

    private static void CheckNamespace(JsonObject metadata, string ns)
    {
        if (metadata["namespace"]?.GetValue<string>() is { Length: > 0 } given && given != ns)
        {
            throw ApiError.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }
    }

    /// <summary>The object as it reads back from JSON, so values compare and convert alike however they were written.</summary>
    private static JsonObject Normalized(JsonObject item) => JsonNode.Parse(item.ToJsonString())!.AsObject();

    private static long Version(JsonObject item) => long.Parse(item["metadata"]!["resourceVersion"]!.GetValue<string>(), CultureInfo.InvariantCulture);

    public static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
