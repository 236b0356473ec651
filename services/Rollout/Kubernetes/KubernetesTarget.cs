using System.Net;
using Bpdp.Contracts;
using Bpdp.Rollout.BlueGreen;
using Bpdp.Rollout.Targets;
using Microsoft.Extensions.Options;
using k8s;
using k8s.Autorest;
using k8s.Models;

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
    /// The new version where the plan puts it: the Deployment created, replaced (PUT at the resourceVersion it was
    /// read at), or reused untouched when it already holds this deployment's image. The preview Service then
    /// selects it unless it is live, and the Deployment is watched until ready. A deployment already live (a
    /// DeployGreen redelivered after its cutover) writes nothing.
    /// </summary>
    public async Task<GreenDeployed> DeployGreen(DeployGreen command, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(command);
        var started = time.GetTimestamp();
        var objects = new PolicyObjects(command.Target.PolicyName, ns);
        var state = await PolicyState.Read(client, objects, cancel);
        var plan = BlueGreenPlan.DeployGreen(state.Observed(preview: null), command.DeploymentId, command.Image.ToString());
        var color = plan.Color;
        var name = objects.Deployment(color);
        try
        {
            var wanted = BlueGreenManifests.Deployment(objects, command, color, replicas, options.Value.ProgressDeadlineSeconds);
            if (plan.Action == DeployAction.Create)
            {
                await client.AppsV1.CreateNamespacedDeploymentAsync(wanted, ns, cancellationToken: cancel);
                logger.LogInformation("{Namespace}/{Deployment}: created for {Version} ({Image})", ns, name, command.Target.PolicyVersion, command.Image);
            }
            else if (plan.Action == DeployAction.Replace)
            {
                wanted.Metadata.ResourceVersion = state.Deployments[color].Metadata.ResourceVersion;
                await client.AppsV1.ReplaceNamespacedDeploymentAsync(wanted, name, ns, cancellationToken: cancel);
                logger.LogInformation("{Namespace}/{Deployment}: replaced by {Version} ({Image})", ns, name, command.Target.PolicyVersion, command.Image);
            }

            if (plan.PointsPreview)
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

        return new TrafficMoved(command.Color, BlueGreenPlan.Other(command.Color), objects.Endpoint(objects.LiveService), time.GetElapsedTime(started));
    }

    /// <summary>
    /// As the plan decides: Service P goes back to the other color, or is deleted when nothing is to serve (a
    /// first deployment); then the preview Service, only if it selects the removed color, and the deployment's
    /// Deployment are deleted. A Deployment labelled with another deployment's id is never touched.
    /// </summary>
    public async Task<RolledBackTo> RollBack(RollBackDeployment command, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(command);
        var started = time.GetTimestamp();
        var objects = new PolicyObjects(command.Target.PolicyName, ns);
        var services = new ServiceSwitch(client, objects);
        var state = await PolicyState.Read(client, objects, cancel);
        var preview = await ReadPreview(objects, cancel);
        var plan = BlueGreenPlan.RollBack(state.Observed(preview), command.DeploymentId);
        if (plan.MovesLive && plan.Live is { } back)
        {
            await services.PointAt(objects.LiveService, back, command.Target, cancel);
        }
        else if (plan.MovesLive)
        {
            await services.DeleteIfUnchanged(state.LiveService!, cancel);
        }

        if (plan.Removes is { } color)
        {
            // A preview Service selecting anything but the removed color is not this rollback's to delete.
            if (plan.ClearsPreview && preview is not null && PolicyState.ColorOf(preview) == color)
            {
                await services.DeleteIfUnchanged(preview, cancel);
            }

            await client.AppsV1.DeleteNamespacedDeploymentAsync(objects.Deployment(color), ns, cancellationToken: cancel).IgnoreNotFound();
        }

        logger.LogInformation("{Namespace}/{Policy}: deployment {DeploymentId} rolled back from {Color}; live is {Live}",
            ns, objects.Policy, command.DeploymentId, plan.Color, plan.Live?.ToString() ?? "nothing");
        return new RolledBackTo(plan.Live, time.GetElapsedTime(started));
    }

    /// <summary>
    /// The preview Service goes at once if it still selects the finalized color. After the scale-down delay the
    /// plan judges again on what the cluster holds then, and the color it retires is deleted; the delete carries
    /// the resourceVersion it was judged at, so a Deployment replaced meanwhile by a newer rollout is judged
    /// again, not deleted.
    /// </summary>
    public async Task Finalize(FinalizeDeployment command, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(command);
        var objects = new PolicyObjects(command.Target.PolicyName, ns);
        var state = await PolicyState.Read(client, objects, cancel);
        var preview = await ReadPreview(objects, cancel);
        var plan = BlueGreenPlan.Finalize(state.Observed(preview), command.DeploymentId);
        if (plan.Color is not { } color)
        {
            logger.LogWarning("{Namespace}/{Policy}: no Deployment carries deployment {DeploymentId}; nothing to finalize", ns, objects.Policy, command.DeploymentId);
            return;
        }

        if (plan.ClearsPreview && preview is not null)
        {
            await new ServiceSwitch(client, objects).DeleteIfUnchanged(preview, cancel);
        }

        await Task.Delay(TimeSpan.FromSeconds(options.Value.ScaleDownDelaySeconds), time, cancel);
        for (var attempt = 1; ; attempt++)
        {
            state = await PolicyState.Read(client, objects, cancel);
            if (BlueGreenPlan.Finalize(state.Observed(preview: null), command.DeploymentId) is not { Retires: { } retiring })
            {
                return;
            }

            var old = state.Deployments[retiring];

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

    /// <summary>What the cluster shows for the policy: the Deployment of each color, and the colors the live and preview Services select.</summary>
    public async Task<ServingNow> Serving(DeploymentTarget target, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(target);
        var objects = new PolicyObjects(target.PolicyName, ns);
        var state = await PolicyState.Read(client, objects, cancel);
        var preview = await ReadPreview(objects, cancel);
        return new ServingNow(target, Reported: true, state.Live, PolicyState.ColorOf(preview), state.Live is null ? null : objects.Endpoint(objects.LiveService).ToString(),
            [.. state.Deployments.OrderBy(d => d.Key).Select(d => new ServingColor(d.Key, PolicyState.DeploymentIdOf(d.Value), d.Value.Spec?.Template?.Spec?.Containers?.FirstOrDefault()?.Image))]);
    }

    private Task<V1Service?> ReadPreview(PolicyObjects objects, CancellationToken cancel) =>
        client.CoreV1.ReadNamespacedServiceAsync(objects.PreviewService, ns, cancellationToken: cancel).OrNullWhenNotFound();

    public void Dispose() => client.Dispose();
}
