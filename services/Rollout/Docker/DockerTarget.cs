using System.Collections.Concurrent;
using System.Diagnostics;
using Bpdp.Contracts;
using Bpdp.Rollout.BlueGreen;
using Bpdp.Rollout.Targets;
using Bpdp.Rollout.Traffic;

namespace Bpdp.Rollout.Docker;

/// <summary>
/// Blue-green on one Docker engine: a container per color of the image by digest, and which one is live kept
/// by the engine itself (the container holding the policy's alias on the environment's network), so a
/// restarted Rollout service reads it back. Host clients reach the policy through this service's proxy,
/// whose live and preview destinations flip atomically as on the local target; it is rebuilt from the
/// engine when the service starts.
/// </summary>
public sealed class DockerTarget(TargetOptions entry, DockerEngine engine, IHttpClientFactory clients, RolloutOptions options, TimeProvider time, ILogger<DockerTarget> logger)
    : IRolloutTarget, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<DockerSlot>>> slots = new(StringComparer.Ordinal);

    public Task<GreenDeployed> DeployGreen(DeployGreen command, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(command);
        var started = time.GetTimestamp();
        return Locked(command.Target, async (names, slot, containers) =>
        {
            var plan = BlueGreenPlan.DeployGreen(containers.Observed(slot.Traffic.Preview), command.DeploymentId, command.Image.Digest);
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
                slot.Traffic.SwitchPreview(ready.Address);
            }

            logger.LogInformation("{Policy}: {Version} is ready as {Color} (preview {Preview})",
                names.Container(color), command.Target.PolicyVersion, DockerEngine.Describe(ready), slot.Traffic.PreviewEndpoint);
            return new GreenDeployed(color, slot.Traffic.PreviewEndpoint, 1, time.GetElapsedTime(started));
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
            slot.Traffic.SwitchLive(target.Address);
            var switched = time.GetElapsedTime(started);
            await engine.HoldLiveAlias(names, containers, target, cancel);
            logger.LogInformation("{Policy}: live traffic on {Color}", names.LiveAlias, DockerEngine.Describe(target));
            return new TrafficMoved(command.Color, previous?.Color ?? BlueGreenPlan.Other(command.Color), slot.Traffic.LiveEndpoint, switched);
        }, cancel);
    }

    public Task<RolledBackTo> RollBack(RollBackDeployment command, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(command);
        var started = time.GetTimestamp();
        return Locked(command.Target, async (names, slot, containers) =>
        {
            var plan = BlueGreenPlan.RollBack(containers.Observed(slot.Traffic.Preview), command.DeploymentId);
            var live = plan.Live is { } color ? containers.Of(color) : null;
            if (plan.MovesLive)
            {
                slot.Traffic.SwitchLive(live?.Address);
                await engine.HoldLiveAlias(names, containers, live, cancel);
            }

            if (plan.ClearsPreview)
            {
                slot.Traffic.SwitchPreview(null);
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
        var retiring = await Locked(command.Target, (_, slot, containers) =>
        {
            var plan = BlueGreenPlan.Finalize(containers.Observed(slot.Traffic.Preview), command.DeploymentId);
            if (plan.ClearsPreview)
            {
                slot.Traffic.SwitchPreview(null);
            }

            return Task.FromResult(plan.Retires is { } old ? containers.Of(old)?.Id : null);
        }, cancel);
        if (retiring is null)
        {
            return;
        }

        await Task.Delay(TimeSpan.FromSeconds(options.ScaleDownDelaySeconds), time, cancel);
        await Locked(command.Target, async (names, slot, containers) =>
        {
            // Judged again on what the engine shows now: only the container judged before the delay, if it still retires.
            var plan = BlueGreenPlan.Finalize(containers.Observed(slot.Traffic.Preview), command.DeploymentId);
            if (plan.Retires is { } color && containers.Of(color) is { } old && old.Id == retiring)
            {
                await engine.Remove(old.Id, cancel);
                logger.LogInformation("{Policy}: retired {Color}; {Live} is the stable version", names.LiveAlias, old.Color, plan.Color);
            }

            return true;
        }, cancel);
    }

    /// <summary>One step for a policy, on what the engine shows, while no other command for that policy runs.</summary>
    private async Task<T> Locked<T>(DeploymentTarget target, Func<DockerNames, DockerSlot, PolicyContainers, Task<T>> step, CancellationToken cancel)
    {
        var names = new DockerNames(target);
        var slot = await Slot(names, cancel);
        await slot.Gate.WaitAsync(cancel);
        try
        {
            return await step(names, slot, await engine.Read(names, cancel));
        }
        finally
        {
            slot.Gate.Release();
        }
    }

    /// <summary>Rebuilds the proxy of every policy this engine runs for the target's environment, so host clients are served again right after a restart.</summary>
    public async Task Restore(CancellationToken cancel)
    {
        foreach (var policy in await engine.Policies(entry.Agency, entry.Environment, cancel))
        {
            await Slot(new DockerNames(new DeploymentTarget(entry.Agency, entry.Environment, policy, "")), cancel);
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

    /// <summary>The policy's proxy on this host, started on first use with the destinations the engine shows.</summary>
    private async Task<DockerSlot> Slot(DockerNames names, CancellationToken cancel)
    {
        var key = names.Container(Color.Blue);
        var slot = slots.GetOrAdd(key, _ => new Lazy<Task<DockerSlot>>(async () =>
        {
            var containers = await engine.Read(names, CancellationToken.None);
            var traffic = await TrafficSwitch.Start(options.ListenAddress, CancellationToken.None);
            traffic.SwitchLive(containers.Live?.Address);
            if (containers.Live is { } live)
            {
                logger.LogInformation("{Policy}: the engine shows {Live} live; serving it at {Endpoint}", names.LiveAlias, DockerEngine.Describe(live), traffic.LiveEndpoint);
            }

            return new DockerSlot(traffic);
        }));
        try
        {
            return await slot.Value.WaitAsync(cancel);
        }
        catch (Exception) when (slot.Value.IsFaulted)
        {
            slots.TryRemove(new KeyValuePair<string, Lazy<Task<DockerSlot>>>(key, slot));
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var slot in slots.Values.Where(s => s.IsValueCreated && s.Value.IsCompletedSuccessfully))
        {
            await (await slot.Value).Traffic.DisposeAsync();
        }

        engine.Dispose();
    }
}
