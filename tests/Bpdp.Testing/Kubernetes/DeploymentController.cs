using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Bpdp.Testing.Kubernetes;

/// <summary>
/// Stands in for kube-controller-manager's deployment controller and the kubelets behind it: each new
/// generation of a Deployment is observed after <see cref="Delay"/> (its new replicas created, not yet ready),
/// and after another <see cref="Delay"/> its replicas are ready and available — with the conditions and reasons
/// the real controller writes. A Deployment named in <see cref="NeverReady"/> stays unready, and after its
/// <c>spec.progressDeadlineSeconds</c> (each second lasting <see cref="DeadlineSecond"/>) its Progressing
/// condition turns False with reason ProgressDeadlineExceeded.
/// </summary>
public sealed class DeploymentController : IDisposable
{
    private readonly ObjectStore store;
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentDictionary<string, bool> neverReady = new(StringComparer.Ordinal);
    private volatile TaskCompletionSource running = Running();

    public DeploymentController(ObjectStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        this.store = store;
        store.Changed += OnChanged;
    }

    /// <summary>How long each step of a rollout takes.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long one second of <c>spec.progressDeadlineSeconds</c> lasts here, so tests can use short deadlines.</summary>
    public TimeSpan DeadlineSecond { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Whether a never-ready Deployment is reported as failed when its deadline passes (a cluster whose controller is down reports nothing).</summary>
    public bool ReportsDeadline { get; set; } = true;

    /// <summary>The Deployment of this name never gets a ready replica.</summary>
    public void NeverReady(string name) => neverReady[name] = true;

    /// <summary>Holds every rollout at its next step until <see cref="Resume"/>, as a controller that is down would.</summary>
    public void Pause() => running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Resume() => running.TrySetResult();

    private static TaskCompletionSource Running()
    {
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        running.SetResult();
        return running;
    }

    private async Task Step(TimeSpan delay)
    {
        await Task.Delay(delay, stopping.Token);
        await running.Task.WaitAsync(stopping.Token);
    }

    private void OnChanged(StoredEvent change)
    {
        if (change.Resource != ApiResource.Deployments || change.Type == "DELETED")
        {
            return;
        }

        var generation = Generation(change.Object);
        if (change.Previous is not null && Generation(change.Previous) == generation)
        {
            return;
        }

        var name = change.Object["metadata"]!["name"]!.GetValue<string>();
        _ = Task.Run(() => RollOut(change.Namespace, name, generation));
    }

    private async Task RollOut(string ns, string name, long generation)
    {
        try
        {
            await Step(Delay);
            var started = Write(ns, name, generation, Started);
            if (started is null)
            {
                return;
            }

            if (neverReady.ContainsKey(name))
            {
                var deadline = started["spec"]!["progressDeadlineSeconds"]!.GetValue<int>();
                await Step(DeadlineSecond * deadline);
                if (ReportsDeadline)
                {
                    Write(ns, name, generation, TimedOut);
                }

                return;
            }

            await Step(Delay);
            Write(ns, name, generation, Available);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Writes the status <paramref name="next"/> makes of the current one, unless the Deployment is gone or has moved to a newer generation.</summary>
    private JsonObject? Write(string ns, string name, long generation, Func<JsonObject, string, JsonObject> next) =>
        store.WriteStatus(ApiResource.Deployments, ns, name, current =>
        {
            if (Generation(current) != generation)
            {
                return null;
            }

            current["status"] = next(current, ReplicaSet(current));
            return current;
        }) is { } written && Generation(written) == generation ? written : null;

    private static JsonObject Started(JsonObject deployment, string replicaSet)
    {
        var wanted = Replicas(deployment);
        var oldReady = deployment["status"]?["readyReplicas"]?.GetValue<int>() ?? 0;
        var status = Counts(deployment, replicas: wanted + oldReady, updated: wanted, ready: oldReady);
        status["unavailableReplicas"] = wanted;
        status["conditions"] = new JsonArray(
            Condition("Available", oldReady >= wanted ? "True" : "False", oldReady >= wanted ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                oldReady >= wanted ? "Deployment has minimum availability." : "Deployment does not have minimum availability."),
            Condition("Progressing", "True", "ReplicaSetUpdated", $"ReplicaSet \"{replicaSet}\" is progressing."));
        return status;
    }

    private static JsonObject Available(JsonObject deployment, string replicaSet)
    {
        var wanted = Replicas(deployment);
        var status = Counts(deployment, replicas: wanted, updated: wanted, ready: wanted);
        status["conditions"] = new JsonArray(
            Condition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability."),
            Condition("Progressing", "True", "NewReplicaSetAvailable", $"ReplicaSet \"{replicaSet}\" has successfully progressed."));
        return status;
    }

    private static JsonObject TimedOut(JsonObject deployment, string replicaSet)
    {
        var status = (JsonObject)deployment["status"]!.DeepClone();
        status["conditions"] = new JsonArray(
            Condition("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability."),
            Condition("Progressing", "False", "ProgressDeadlineExceeded", $"ReplicaSet \"{replicaSet}\" has timed out progressing."));
        return status;
    }

    private static JsonObject Counts(JsonObject deployment, int replicas, int updated, int ready) => new()
    {
        ["observedGeneration"] = Generation(deployment),
        ["replicas"] = replicas,
        ["updatedReplicas"] = updated,
        ["readyReplicas"] = ready,
        ["availableReplicas"] = ready,
    };

    private static JsonObject Condition(string type, string status, string reason, string message)
    {
        var now = ObjectStore.Timestamp(DateTimeOffset.UtcNow);
        return new JsonObject
        {
            ["type"] = type,
            ["status"] = status,
            ["lastUpdateTime"] = now,
            ["lastTransitionTime"] = now,
            ["reason"] = reason,
            ["message"] = message,
        };
    }

    /// <summary>The ReplicaSet the controller would make for the pod template: the Deployment's name and a hash of the template.</summary>
    private static string ReplicaSet(JsonObject deployment)
    {
        var template = deployment["spec"]?["template"]?.ToJsonString() ?? "";
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(template)))[..10];
        return $"{deployment["metadata"]!["name"]!.GetValue<string>()}-{hash}";
    }

    private static int Replicas(JsonObject deployment) => deployment["spec"]?["replicas"]?.GetValue<int>() ?? 1;

    private static long Generation(JsonObject deployment) => deployment["metadata"]?["generation"]?.GetValue<long>() ?? 0;

    public void Dispose()
    {
        store.Changed -= OnChanged;
        stopping.Cancel();
        stopping.Dispose();
    }
}
