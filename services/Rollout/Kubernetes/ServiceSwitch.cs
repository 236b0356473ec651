using System.Text.Json.Nodes;
using Bpdp.Contracts;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Bpdp.Rollout.Kubernetes;

/// <summary>Where a Service's selector pointed before a switch, and whether the switch wrote anything.</summary>
internal sealed record SelectorSwitched(Color? Before, bool Wrote);

/// <summary>Moves a Service between the colors by its selector: the one write that moves traffic.</summary>
internal sealed class ServiceSwitch(IKubernetes client, PolicyObjects objects)
{
    private const int Attempts = 5;

    /// <summary>
    /// Makes <paramref name="service"/> select <paramref name="color"/>: creates it when missing, changes only its
    /// selector's color with a JSON merge patch carrying the resourceVersion it was read at, and writes nothing
    /// when it already selects the color. A 409 Conflict (someone wrote in between) reads it again and retries.
    /// </summary>
    public async Task<SelectorSwitched> PointAt(string service, Color color, DeploymentTarget target, CancellationToken cancel)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var current = await client.CoreV1.ReadNamespacedServiceAsync(service, objects.Namespace, cancellationToken: cancel).OrNullWhenNotFound();
                if (current is null)
                {
                    await client.CoreV1.CreateNamespacedServiceAsync(BlueGreenManifests.Service(objects, service, color, target), objects.Namespace, cancellationToken: cancel);
                    return new SelectorSwitched(null, Wrote: true);
                }

                var before = PolicyState.ColorOf(current);
                if (before == color)
                {
                    return new SelectorSwitched(before, Wrote: false);
                }

                var patch = new V1Patch(SelectorPatch(current.Metadata.ResourceVersion, color), V1Patch.PatchType.MergePatch);
                await client.CoreV1.PatchNamespacedServiceAsync(patch, service, objects.Namespace, cancellationToken: cancel);
                return new SelectorSwitched(before, Wrote: true);
            }
            catch (HttpOperationException error) when (error.IsConflict() && attempt < Attempts)
            {
                // Conflict on the patch (a stale resourceVersion) or AlreadyExists on the create: read again.
            }
        }
    }

    /// <summary>
    /// Deletes <paramref name="service"/> only if it still is as it was read (a DELETE precondition on its
    /// resourceVersion); gone already, or changed by someone else since, leaves it as it is.
    /// </summary>
    public async Task DeleteIfUnchanged(V1Service service, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(service);
        var unchanged = new V1DeleteOptions { Preconditions = new V1Preconditions { ResourceVersion = service.Metadata.ResourceVersion } };
        try
        {
            await client.CoreV1.DeleteNamespacedServiceAsync(service.Metadata.Name, objects.Namespace, unchanged, cancellationToken: cancel).IgnoreNotFound();
        }
        catch (HttpOperationException error) when (error.IsConflict())
        {
        }
    }

    /// <summary>Only the color key of the selector changes; the resourceVersion makes the patch fail if the Service moved since it was read.</summary>
    private static string SelectorPatch(string resourceVersion, Color color) => new JsonObject
    {
        ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion },
        ["spec"] = new JsonObject { ["selector"] = new JsonObject { [PolicyObjects.ColorLabel] = PolicyObjects.ColorValue(color) } },
    }.ToJsonString();
}
