using System.Net;
using Bpdp.Contracts;
using Bpdp.Rollout.Targets;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Options;

namespace Bpdp.Rollout.Kubernetes;

/// <summary>
/// Blue-green in one namespace of one cluster: per policy P, Deployments <c>P-blue</c> and <c>P-green</c>, the
/// live Service <c>P</c> whose selector names the live color, and <c>P-preview</c> selecting the new one. Every
/// command reads the state it acts on from the cluster, never from memory, and writes only what differs,
/// so a redelivered command or a restarted service carries on without a second write.
/// </summary>
public sealed class KubernetesTarget(IKubernetes client, string ns, int replicas, IOptions<RolloutOptions> options, TimeProvider time, ILogger<KubernetesTarget> logger)
    : IRolloutTarget, IDisposable
{
    private const int RetireAttempts = 5;

    private TimeSpan ProgressDeadline => TimeSpan.FromSeconds(options.Value.ProgressDeadlineSeconds);

    /// <summary>
    /// The new version in the color that is not live (blue when nothing is): created, or the Deployment of that
    /// color replaced (PUT at its resourceVersion) when it holds another deployment; reused untouched when it
    /// already holds this deployment's image. The preview Service then selects it, and the Deployment is
    /// watched until ready. A deployment already live (a DeployGreen redelivered after its cutover) writes nothing.
    /// </summary>
    public async Task<GreenDeployed> DeployGreen(DeployGreen command, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(command);
        var started = time.GetTimestamp();
        var objects = new PolicyObjects(command.Target.PolicyName, ns);
        var state = await PolicyState.Read(client, objects, cancel);
        var color = state.ColorOf(command.DeploymentId) ?? (state.Live is { } live ? PolicyObjects.Other(live) : Color.Blue);
        var name = objects.Deployment(color);
        try
        {
            var wanted = BlueGreenManifests.Deployment(objects, command, color, replicas, options.Value.ProgressDeadlineSeconds);
            if (!state.Deployments.TryGetValue(color, out var existing))
            {
                await client.AppsV1.CreateNamespacedDeploymentAsync(wanted, ns, cancellationToken: cancel);
                logger.LogInformation("{Namespace}/{Deployment}: created for {Version} ({Image})", ns, name, command.Target.PolicyVersion, command.Image);
            }
            else if (!Holds(existing, command))
            {
                wanted.Metadata.ResourceVersion = existing.Metadata.ResourceVersion;
                await client.AppsV1.ReplaceNamespacedDeploymentAsync(wanted, name, ns, cancellationToken: cancel);
                logger.LogInformation("{Namespace}/{Deployment}: replaced by {Version} ({Image})", ns, name, command.Target.PolicyVersion, command.Image);
            }

            if (state.Live != color)
            {
                await new ServiceSwitch(client, objects).PointAt(objects.PreviewService, color, command.Target, cancel);
            }
        }
        catch (HttpOperationException error) when (error.Response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Forbidden or HttpStatusCode.UnprocessableEntity)
        {
            throw new RolloutTargetException($"the cluster refused {ns}/{name}: {error.Response.Content}", error);
        }

        var ready = await new DeploymentReadiness(client, ns, time).WaitReady(name, ProgressDeadline, cancel);
        return new GreenDeployed(color, objects.Endpoint(objects.PreviewService), ready.Status?.ReadyReplicas ?? 0, time.GetElapsedTime(started));
    }

    /// <summary>
    /// Live traffic on the color in one write to Service P's selector (created on the first cutover); none when it
    /// already selects the color. Refuses to point live traffic at a color that has no Deployment.
    /// </summary>
    public async Task<TrafficMoved> CutOver(CutOverTraffic command, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(command);
        var started = time.GetTimestamp();
        var objects = new PolicyObjects(command.Target.PolicyName, ns);
        var name = objects.Deployment(command.Color);
        _ = await client.AppsV1.ReadNamespacedDeploymentAsync(name, ns, cancellationToken: cancel).OrNullWhenNotFound()
            ?? throw new RolloutTargetException($"{ns}/{name} does not exist, so live traffic stays where it is; was the deployment rolled back?");
        var switched = await new ServiceSwitch(client, objects).PointAt(objects.LiveService, command.Color, command.Target, cancel);
        if (switched.Wrote)
        {
            logger.LogInformation("{Namespace}/{Service}: live traffic moved from {Previous} to {Color}", ns, objects.LiveService, switched.Before?.ToString() ?? "nothing", command.Color);
        }

        return new TrafficMoved(command.Color, PolicyObjects.Other(command.Color), objects.Endpoint(objects.LiveService), time.GetElapsedTime(started));
    }

    /// <summary>
    /// The deployment's color is the Deployment labelled with its id (else the color that is not live). If live
    /// traffic is on it, Service P goes back to the other color when that has a Deployment, or is deleted when
    /// none does (a first deployment: nothing serves). Then the preview Service, if it selects that color, and
    /// the deployment's Deployment are deleted. A Deployment labelled with another deployment's id is never touched.
    /// </summary>
    public async Task<RolledBackTo> RollBack(RollBackDeployment command, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(command);
        var started = time.GetTimestamp();
        var objects = new PolicyObjects(command.Target.PolicyName, ns);
        var services = new ServiceSwitch(client, objects);
        var state = await PolicyState.Read(client, objects, cancel);
        var found = state.ColorOf(command.DeploymentId);
        var color = found ?? (state.Live is { } live ? PolicyObjects.Other(live) : Color.Blue);
        var liveAfter = state.Live;
        if (state.Live == color)
        {
            var other = PolicyObjects.Other(color);
            if (state.Deployments.ContainsKey(other))
            {
                await services.PointAt(objects.LiveService, other, command.Target, cancel);
                liveAfter = other;
            }
            else
            {
                await services.DeleteIfUnchanged(state.LiveService!, cancel);
                liveAfter = null;
            }
        }

        var ours = found is not null || !state.Deployments.TryGetValue(color, out var occupant) || PolicyState.DeploymentIdOf(occupant) is null;
        if (ours)
        {
            var preview = await client.CoreV1.ReadNamespacedServiceAsync(objects.PreviewService, ns, cancellationToken: cancel).OrNullWhenNotFound();
            if (preview is not null && PolicyState.ColorOf(preview) == color)
            {
                await services.DeleteIfUnchanged(preview, cancel);
            }

            await client.AppsV1.DeleteNamespacedDeploymentAsync(objects.Deployment(color), ns, cancellationToken: cancel).IgnoreNotFound();
        }

        logger.LogInformation("{Namespace}/{Policy}: deployment {DeploymentId} rolled back from {Color}; live is {Live}", ns, objects.Policy, command.DeploymentId, color, liveAfter?.ToString() ?? "nothing");
        return new RolledBackTo(liveAfter, time.GetElapsedTime(started));
    }

    /// <summary>
    /// The preview Service goes at once if it still selects the finalized color. After the scale-down delay the
    /// other color's Deployment is deleted, only while Service P still selects the finalized deployment's color
    /// and only if that Deployment is not the finalized deployment's own; the delete carries the resourceVersion
    /// it was judged at, so a Deployment replaced meanwhile by a newer rollout is judged again, not deleted.
    /// </summary>
    public async Task Finalize(FinalizeDeployment command, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(command);
        var objects = new PolicyObjects(command.Target.PolicyName, ns);
        var state = await PolicyState.Read(client, objects, cancel);
        if (state.ColorOf(command.DeploymentId) is not { } color)
        {
            logger.LogWarning("{Namespace}/{Policy}: no Deployment carries deployment {DeploymentId}; nothing to finalize", ns, objects.Policy, command.DeploymentId);
            return;
        }

        var preview = await client.CoreV1.ReadNamespacedServiceAsync(objects.PreviewService, ns, cancellationToken: cancel).OrNullWhenNotFound();
        if (preview is not null && PolicyState.ColorOf(preview) == color)
        {
            await new ServiceSwitch(client, objects).DeleteIfUnchanged(preview, cancel);
        }

        await Task.Delay(TimeSpan.FromSeconds(options.Value.ScaleDownDelaySeconds), time, cancel);
        for (var attempt = 1; ; attempt++)
        {
            state = await PolicyState.Read(client, objects, cancel);
            var retiring = PolicyObjects.Other(color);
            // Only a Deployment older than this one retires: a newer deployment's DeployGreen can overtake this command.
            if (state.Live != color || state.ColorOf(command.DeploymentId) != color || !state.Deployments.TryGetValue(retiring, out var old) || PolicyState.BelongsTo(old, command.DeploymentId)
                || PolicyState.DeployedAt(old) >= PolicyState.DeployedAt(state.Deployments[color]))
            {
                return;
            }

            try
            {
                var unchanged = new V1DeleteOptions { Preconditions = new V1Preconditions { ResourceVersion = old.Metadata.ResourceVersion } };
                await client.AppsV1.DeleteNamespacedDeploymentAsync(old.Metadata.Name, ns, unchanged, cancellationToken: cancel).IgnoreNotFound();
                logger.LogInformation("{Namespace}/{Deployment}: retired; {Color} is the stable version", ns, old.Metadata.Name, color);
                return;
            }
            catch (HttpOperationException error) when (error.IsConflict() && attempt < RetireAttempts)
            {
            }
        }
    }

    /// <summary>The Deployment already runs this deployment's image: nothing to write.</summary>
    private static bool Holds(V1Deployment deployment, DeployGreen command) =>
        PolicyState.BelongsTo(deployment, command.DeploymentId)
        && deployment.Spec?.Template?.Spec?.Containers?.FirstOrDefault()?.Image == command.Image.ToString();

    public void Dispose() => client.Dispose();
}
