using Bpdp.Rollout.Targets;
using k8s;
using k8s.Models;

namespace Bpdp.Rollout.Kubernetes;

/// <summary>How far a Deployment's rollout is, judged from its status alone.</summary>
internal enum Progress
{
    Pending,
    Ready,
    DeadlineExceeded,
}

/// <summary>Waits for a Deployment to become ready by watching it, as <c>kubectl rollout status</c> does.</summary>
internal sealed class DeploymentReadiness(IKubernetes client, string ns, TimeProvider time)
{
    /// <summary>How long one watch request stays open before the server closes it and it is opened again.</summary>
    private const int WatchSeconds = 60;

    /// <summary>
    /// Ready when the controller has seen the current spec (observedGeneration ≥ generation) and the updated,
    /// ready and available replicas all reach spec.replicas with no old replicas left; failed when the
    /// Progressing condition is False with reason ProgressDeadlineExceeded.
    /// </summary>
    public static Progress Evaluate(V1Deployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var status = deployment.Status;
        if (status?.Conditions?.Any(c => c.Type == "Progressing" && c.Status == "False" && c.Reason == "ProgressDeadlineExceeded") == true)
        {
            return Progress.DeadlineExceeded;
        }

        var wanted = deployment.Spec?.Replicas ?? 1;
        var ready = status is not null
            && (status.ObservedGeneration ?? 0) >= (deployment.Metadata?.Generation ?? 0)
            && (status.UpdatedReplicas ?? 0) >= wanted
            && (status.ReadyReplicas ?? 0) >= wanted
            && (status.AvailableReplicas ?? 0) >= wanted
            && (status.Replicas ?? 0) <= (status.UpdatedReplicas ?? 0);
        return ready ? Progress.Ready : Progress.Pending;
    }

    /// <summary>
    /// Reads the Deployment, then watches it from that resourceVersion until it is ready. A watch the server
    /// closes is opened again from the last resourceVersion seen; after an error event (410 Gone: that version
    /// is too old) the Deployment is read again first. Fails when the cluster reports the progress deadline
    /// exceeded, or when <paramref name="deadline"/> passes on this service's own clock.
    /// </summary>
    public async Task<V1Deployment> WaitReady(string name, TimeSpan deadline, CancellationToken cancel)
    {
        using var ownClock = new CancellationTokenSource(deadline, time);
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancel, ownClock.Token);
        V1Deployment? last = null;
        string? resourceVersion = null;
        try
        {
            while (true)
            {
                if (resourceVersion is null)
                {
                    last = await client.AppsV1.ReadNamespacedDeploymentAsync(name, ns, cancellationToken: waiting.Token).OrNullWhenNotFound()
                        ?? throw new RolloutTargetException($"{name} was deleted while waiting for it to become ready");
                    if (Judge(last, name, deadline))
                    {
                        return last;
                    }

                    resourceVersion = last.Metadata.ResourceVersion;
                }

                var watchFailed = false;
                try
                {
                    var events = client.AppsV1.WatchListNamespacedDeploymentAsync(
                        ns, fieldSelector: $"metadata.name={name}", resourceVersion: resourceVersion, timeoutSeconds: WatchSeconds,
                        onError: _ => watchFailed = true, cancellationToken: waiting.Token);
                    await foreach (var (type, deployment) in events)
                    {
                        if (type == WatchEventType.Deleted)
                        {
                            throw new RolloutTargetException($"{name} was deleted while waiting for it to become ready");
                        }

                        resourceVersion = deployment.Metadata.ResourceVersion;
                        last = deployment;
                        if (type != WatchEventType.Bookmark && Judge(deployment, name, deadline))
                        {
                            return deployment;
                        }
                    }
                }
                catch (HttpRequestException error) when (error.InnerException is EndOfStreamException)
                {
                    // The client reads the first event before it hands out the stream: a watch the server closed
                    // before any event arrived ends here rather than as an empty stream.
                }

                if (watchFailed)
                {
                    resourceVersion = null;
                }
            }
        }
        catch (OperationCanceledException) when (ownClock.IsCancellationRequested && !cancel.IsCancellationRequested)
        {
            throw new RolloutTargetException($"{name} did not become ready within the progress deadline of {deadline.TotalSeconds:F0} s: {Describe(last)}");
        }
    }

    private static bool Judge(V1Deployment deployment, string name, TimeSpan deadline) => Evaluate(deployment) switch
    {
        Progress.Ready => true,
        Progress.DeadlineExceeded => throw new RolloutTargetException($"{name} did not become ready within the progress deadline of {deadline.TotalSeconds:F0} s: {Describe(deployment)}"),
        _ => false,
    };

    /// <summary>The Progressing condition's reason and message when the controller gave one, else the replica counts.</summary>
    private static string Describe(V1Deployment? deployment)
    {
        var progressing = deployment?.Status?.Conditions?.FirstOrDefault(c => c.Type == "Progressing");
        var replicas = $"{deployment?.Status?.ReadyReplicas ?? 0} of {deployment?.Spec?.Replicas ?? 1} replicas ready";
        return progressing is null ? replicas : $"{progressing.Reason}: {progressing.Message} ({replicas})";
    }
}
