using System.Text.Json.Nodes;

namespace Bpdp.Testing.Kubernetes;

/// <summary>One change in the store, as a watch reports it: ADDED, MODIFIED or DELETED, at a revision, with the object before it.</summary>
public sealed record StoredEvent(long Revision, ApiResource Resource, string Namespace, string Type, JsonObject Object, JsonObject? Previous);
