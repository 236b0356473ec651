using Bpdp.Contracts;
using Bpdp.Rollout.BlueGreen;
using k8s;
using k8s.Models;

namespace Bpdp.Rollout.Kubernetes;

/// <summary>
/// What the cluster holds for one policy, read fresh for every command: the color the live Service selects
/// and the Deployment of each color. Nothing about a rollout is kept in memory, so a restarted Rollout
/// service carries on where the last one stopped.
/// </summary>
internal sealed record PolicyState(V1Service? LiveService, IReadOnlyDictionary<Color, V1Deployment> Deployments)
{
    /// <summary>The color the live Service selects; none before the first cutover.</summary>
    public Color? Live => ColorOf(LiveService);

    /// <summary>The color whose Deployment carries the deployment's id, if any does.</summary>
    public Color? ColorOf(Guid deploymentId) =>
        Deployments.Where(d => BelongsTo(d.Value, deploymentId)).Select(d => (Color?)d.Key).FirstOrDefault();

    /// <summary>
    /// The Deployments as the plan reads them, with the color <paramref name="preview"/> selects, if it was read:
    /// a Deployment that exists counts as running and able to take traffic, since the cluster routes only to ready pods.
    /// </summary>
    public PolicySlots Observed(V1Service? preview) => new(Slot(Color.Blue), Slot(Color.Green), Live) { Preview = ColorOf(preview) };

    private ColorSlot? Slot(Color color) =>
        Deployments.TryGetValue(color, out var deployment)
            ? new ColorSlot(DeploymentIdOf(deployment), deployment.Spec?.Template?.Spec?.Containers?.FirstOrDefault()?.Image, DeployedAt(deployment), Running: true, Ready: true)
            : null;

    public static bool BelongsTo(V1Deployment deployment, Guid deploymentId) =>
        DeploymentIdOf(deployment) == deploymentId.ToString();

    public static string? DeploymentIdOf(V1Deployment deployment) =>
        deployment.Metadata?.Labels?.TryGetValue(PolicyObjects.DeploymentIdLabel, out var id) == true ? id : null;

    /// <summary>When the Deployment's DeployGreen was sent; the earliest time for one without the annotation.</summary>
    public static DateTimeOffset DeployedAt(V1Deployment deployment) =>
        deployment.Metadata?.Annotations?.TryGetValue(PolicyObjects.DeployedAtAnnotation, out var at) == true
        && DateTimeOffset.TryParse(at, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var parsed)
            ? parsed
            : DateTimeOffset.MinValue;

    public static Color? ColorOf(V1Service? service) =>
        service?.Spec?.Selector?.TryGetValue(PolicyObjects.ColorLabel, out var color) == true ? PolicyObjects.ParseColor(color) : null;

    /// <summary>Two requests: GET the live Service, LIST the policy's Deployments by its name label.</summary>
    public static async Task<PolicyState> Read(IKubernetes client, PolicyObjects objects, CancellationToken cancel)
    {
        var live = await client.CoreV1.ReadNamespacedServiceAsync(objects.LiveService, objects.Namespace, cancellationToken: cancel).OrNullWhenNotFound();
        var list = await client.AppsV1.ListNamespacedDeploymentAsync(objects.Namespace, labelSelector: objects.PolicySelector, cancellationToken: cancel);
        var deployments = new Dictionary<Color, V1Deployment>();
        foreach (var color in new[] { Color.Blue, Color.Green })
        {
            if (list.Items.FirstOrDefault(d => d.Metadata?.Name == objects.Deployment(color)) is { } deployment)
            {
                deployments[color] = deployment;
            }
        }

        return new PolicyState(live, deployments);
    }
}
