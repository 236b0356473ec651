using System.Collections.Concurrent;
using System.Diagnostics;
using Bpdp.Contracts;
using Bpdp.Rollout.BlueGreen;
using Bpdp.Rollout.Targets;
using Bpdp.DataPlane;
using Bpdp.Rollout.Local;

namespace Bpdp.Rollout.Docker;

/// <summary>
/// Blue-green on one Docker engine: a container per color of the image by digest, and which one is live kept
/// by the engine itself (the container holding the policy's alias on the environment's network), so a
/// restarted Rollout service reads it back. Host clients reach the policy through the host's data plane
/// (<see cref="LocalDataPlane"/>): a proxy on stable ports whose live and preview destinations flip atomically
/// as on the local target, and which goes on serving while the Rollout is down.
/// </summary>
public sealed class DockerTarget(TargetOptions entry, DockerEngine engine, LocalDataPlane dataPlane, IHttpClientFactory clients, RolloutOptions options, TimeProvider time,
    ILogger<DockerTarget> logger)
    : IRolloutTarget, IDisposable
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> gates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<SlotKey, bool> synced = new();

    public Task<GreenDeployed> DeployGreen(DeployGreen command, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(command);
        var started = time.GetTimestamp();
        return Locked(command.Target, async (names, slot, containers) =>
        {
            var plan = BlueGreenPlan.DeployGreen(containers.Observed(slot.Routes.Preview), command.DeploymentId, command.Image.Digest);
            var color = plan.Color;
            if (plan.Action != DeployAction.Reuse)
            {
                if (plan.Action == DeployAction.Replace && containers.Of(color) is { } existing)
                {
                    await engine.Remove(existing.Id, cancel);
                }

                await engine.Pull(command.Image, cancel);
                await engine.Start(names, color, command, cancel);
            }

            var ready = await WaitReady(names, color, cancel);
            if (plan.PointsPreview)
            {
                await slot.Route(slot.Routes with { Preview = ready.Address }, cancel);
            }

            logger.LogInformation("{Policy}: {Version} is ready as {Color} (preview {Preview})",
                names.Container(color), command.Target.PolicyVersion, DockerEngine.Describe(ready), slot.PreviewEndpoint);
            return new GreenDeployed(color, slot.PreviewEndpoint, 1, time.GetElapsedTime(started));
        }, cancel);
    }

    public Task<TrafficMoved> CutOver(CutOverTraffic command, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(command);
        var started = time.GetTimestamp();
        return Locked(command.Target, async (names, slot, containers) =>
        {
            var target = containers.Of(command.Color) is { Address: not null } ready
                ? ready
                : throw new RolloutTargetException($"{names.Container(command.Color)} is not running on the Docker engine; was DeployGreen lost?");
            var previous = containers.All.Where(c => c.OnLiveAlias && c.Id != target.Id).MaxBy(c => c.Created);
            await slot.Route(slot.Routes with { Live = target.Address }, cancel);
            var switched = time.GetElapsedTime(started);
            await engine.HoldLiveAlias(names, containers, target, cancel);
            logger.LogInformation("{Policy}: live traffic on {Color}", names.LiveAlias, DockerEngine.Describe(target));
            return new TrafficMoved(command.Color, previous?.Color ?? BlueGreenPlan.Other(command.Color), slot.LiveEndpoint, switched);
        }, cancel);
    }

    public Task<RolledBackTo> RollBack(RollBackDeployment command, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(command);
        var started = time.GetTimestamp();
        return Locked(command.Target, async (names, slot, containers) =>
        {
            var plan = BlueGreenPlan.RollBack(containers.Observed(slot.Routes.Preview), command.DeploymentId);
            var live = plan.Live is { } color ? containers.Of(color) : null;
            var routes = slot.Routes;
            if (plan.MovesLive)
            {
                routes = routes with { Live = live?.Address };
            }

            if (plan.ClearsPreview)
            {
                routes = routes with { Preview = null };
            }

            await slot.Route(routes, cancel);
            if (plan.MovesLive)
            {
                await engine.HoldLiveAlias(names, containers, live, cancel);
            }

            if (plan.Removes is { } removing && containers.Of(removing) is { } removed)
            {
                await engine.Remove(removed.Id, cancel);
            }

            logger.LogInformation("{Policy}: rolled back; live is {Live}", names.LiveAlias, live is null ? "nothing" : DockerEngine.Describe(live));
            return new RolledBackTo(live?.Color, time.GetElapsedTime(started));
        }, cancel);
    }

    /// <summary>
    /// After the scale-down delay, removes the other color's container — only while the deployment is still live
    /// and only a container deployed before it: a newer deployment that has already taken the idle color (its
    /// DeployGreen can overtake this command) keeps it, and so does its preview.
    /// </summary>
    public async Task Finalize(FinalizeDeployment command, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(command);
        var retiring = await Locked(command.Target, async (_, slot, containers) =>
        {
            var plan = BlueGreenPlan.Finalize(containers.Observed(slot.Routes.Preview), command.DeploymentId);
            if (plan.ClearsPreview)
            {
                await slot.Route(slot.Routes with { Preview = null }, cancel);
            }

            return plan.Retires is { } old ? containers.Of(old)?.Id : null;
        }, cancel);
        if (retiring is null)
        {
            return;
        }

        await Task.Delay(TimeSpan.FromSeconds(options.ScaleDownDelaySeconds), time, cancel);
        await Locked(command.Target, async (names, slot, containers) =>
        {
            // Judged again on what the engine shows now: only the container judged before the delay, if it still retires.
            var plan = BlueGreenPlan.Finalize(containers.Observed(slot.Routes.Preview), command.DeploymentId);
            if (plan.Retires is { } color && containers.Of(color) is { } old && old.Id == retiring)
            {
                await engine.Remove(old.Id, cancel);
                logger.LogInformation("{Policy}: retired {Color}; {Live} is the stable version", names.LiveAlias, old.Color, plan.Color);
            }

            return true;
        }, cancel);
    }

    /// <summary>One step for a policy, on what the engine shows and the data plane serves, while no other command for that policy runs.</summary>
    private async Task<T> Locked<T>(DeploymentTarget target, Func<DockerNames, DockerServing, PolicyContainers, Task<T>> step, CancellationToken cancel)
    {
        var names = new DockerNames(target);
        var gate = gates.GetOrAdd(names.Container(Color.Blue), _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancel);
        try
        {
            var containers = await engine.Read(names, cancel);
            return await step(names, await Serving(names, containers, cancel), containers);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>What serves the policy now: the engine's containers and live alias, and the data plane's live address and preview route.</summary>
    public async Task<ServingNow> Serving(DeploymentTarget target, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(target);
        var names = new DockerNames(target);
        var containers = await engine.Read(names, cancel);
        var key = new SlotKey(entry.Agency, entry.Environment, names.Policy);
        var view = (await (await dataPlane.Get(cancel, startIfDown: false)).Slots(cancel)).FirstOrDefault(s => s.Key == key);
        var preview = view?.Routes.Preview is { } routed ? containers.All.FirstOrDefault(c => c.Address == routed)?.Color : null;
        return new ServingNow(target, Reported: true, containers.Live?.Color, preview, view?.LiveEndpoint.ToString(),
            [.. containers.All.OrderBy(c => c.Color).Select(c => new ServingColor(c.Color, c.DeploymentId, c.Digest))]);
    }

    /// <summary>Serves every policy this engine runs for the target's environment on the data plane, so host clients are served even if its state was lost.</summary>
    public async Task Restore(CancellationToken cancel)
    {
        foreach (var policy in await engine.Policies(entry.Agency, entry.Environment, cancel))
        {
            var names = new DockerNames(new DeploymentTarget(entry.Agency, entry.Environment, policy, ""));
            await Serving(names, await engine.Read(names, cancel), cancel);
        }
    }

    private async Task<PolicyContainer> WaitReady(DockerNames names, Color color, CancellationToken cancel)
    {
        var http = clients.CreateClient(nameof(DockerTarget));
        var deadline = TimeSpan.FromSeconds(options.ProgressDeadlineSeconds);
        var watch = Stopwatch.StartNew();
        var last = "it is not running";
        while (watch.Elapsed <= deadline)
        {
            var container = (await engine.Read(names, cancel)).Of(color);
            if (container?.Address is { } address)
            {
                try
                {
                    using var response = await http.GetAsync(new Uri(address, "readyz"), cancel);
                    if (response.IsSuccessStatusCode)
                    {
                        return container;
                    }

                    last = $"/readyz answers {(int)response.StatusCode}";
                }
                catch (Exception error) when (error is HttpRequestException || (error is TaskCanceledException && !cancel.IsCancellationRequested))
                {
                    last = error.Message;
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancel);
        }

        throw new RolloutTargetException($"{names.Container(color)} was not ready within the progress deadline of {deadline.TotalSeconds:F0} s: {last}");
    }

    /// <summary>
    /// The policy's proxy on the data plane. The engine says which container is live (its alias): once per process,
    /// a live route that differs from it — the data plane's state lost, or a cutover cut short — is set to it.
    /// </summary>
    private async Task<DockerServing> Serving(DockerNames names, PolicyContainers containers, CancellationToken cancel)
    {
        var plane = await dataPlane.Get(cancel);
        var key = new SlotKey(entry.Agency, entry.Environment, names.Policy);
        var serving = new DockerServing(plane, key, await plane.Open(key, cancel));
        if (!synced.ContainsKey(key))
        {
            if (containers.Live?.Address is { } live && serving.Routes.Live != live)
            {
                await serving.Route(serving.Routes with { Live = live }, cancel);
                logger.LogInformation("{Policy}: the engine shows {Live} live; serving it at {Endpoint}", names.LiveAlias, DockerEngine.Describe(containers.Live), serving.LiveEndpoint);
            }

            synced[key] = true;
        }

        return serving;
    }

    public void Dispose() => engine.Dispose();
}
