using System.Collections.Concurrent;
using System.Diagnostics;
using Bpdp.Contracts;
using Bpdp.DataPlane;
using Bpdp.Images;
using Bpdp.Rollout.BlueGreen;
using Bpdp.Rollout.Targets;
using Microsoft.Extensions.Options;

namespace Bpdp.Rollout.Local;

/// <summary>
/// Blue-green on this host: executors of the image behind a proxy whose live and preview destinations flip
/// atomically, both served by the data plane (<see cref="LocalDataPlane"/>), which this target drives and reads
/// back at every command — so a restarted Rollout carries on from what actually serves. The new version goes to
/// the idle color; cutover moves live traffic and keeps the old color warm; rollback moves it back and removes
/// the new color; finalize retires the old color after the scale-down delay.
/// </summary>
public sealed class LocalTarget(LocalDataPlane dataPlane, IImageStore store, IHttpClientFactory clients, IOptions<RolloutOptions> options, TimeProvider time, ILogger<LocalTarget> logger)
    : IRolloutTarget
{
    private readonly ConcurrentDictionary<SlotKey, SemaphoreSlim> gates = new();
    private readonly ScrapeTargets scrapeTargets = new(options.Value.ScrapeTargetsDirectory);

    public async Task<GreenDeployed> DeployGreen(DeployGreen command, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(command);
        var (target, image) = (command.Target, command.Image);
        var started = time.GetTimestamp();
        return await Locked(target, async (plane, key, slot) =>
        {
            var plan = BlueGreenPlan.DeployGreen(slot.Observed(), command.DeploymentId, image.Digest);
            var color = plan.Color;
            var deadline = TimeSpan.FromSeconds(options.Value.ProgressDeadlineSeconds);
            if (plan.Action == DeployAction.Reuse)
            {
                var mine = slot.Of(color)!;
                await WaitReady(mine.Address, deadline, cancel);
                if (plan.PointsPreview)
                {
                    await plane.Route(key, slot.View.Routes with { Preview = mine.Address }, cancel);
                }

                return new GreenDeployed(color, slot.View.PreviewEndpoint, 1, time.GetElapsedTime(started));
            }

            if (plan.Action == DeployAction.Replace)
            {
                await plane.Stop(key, color, cancel);
            }

            var rootfs = await ImageUnpacker.Unpack(store, store.Unqualify(image.Repository), image.Digest, Path.Combine(options.Value.WorkDirectory, "images"), cancel);
            var unpackedIn = time.GetElapsedTime(started);
            var executor = await plane.Run(key, color, new ExecutorSpec(Path.GetFullPath(rootfs), image.Digest, command.DeploymentId, command.OccurredAt), cancel);
            try
            {
                await WaitReady(executor.Address, deadline, cancel);
            }
            catch
            {
                await plane.Stop(key, color, CancellationToken.None);
                throw;
            }

            var now = new LocalSlot(plan.PointsPreview ? await plane.Route(key, slot.View.Routes with { Preview = executor.Address }, cancel) : await plane.Open(key, cancel));
            scrapeTargets.Write(target, now.Addresses);
            var readyIn = time.GetElapsedTime(started);
            logger.LogInformation(
                "{Target}: {Version} is ready as {Color} at {Address} (preview {Preview}) in {Ready:F0} ms: image unpacked {Unpacked:F0} ms, executor started and ready {Started:F0} ms",
                key, target.PolicyVersion, color, executor.Address, now.View.PreviewEndpoint, readyIn.TotalMilliseconds, unpackedIn.TotalMilliseconds,
                (readyIn - unpackedIn).TotalMilliseconds);
            return new GreenDeployed(color, now.View.PreviewEndpoint, 1, time.GetElapsedTime(started));
        }, cancel);
    }

    public async Task<TrafficMoved> CutOver(CutOverTraffic command, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(command);
        var (target, color) = (command.Target, command.Color);
        var started = time.GetTimestamp();
        return await Locked(target, async (plane, key, slot) =>
        {
            var previous = slot.View.Routes.Previous;
            if (slot.LiveColor != color)
            {
                var executor = slot.Of(color) ?? throw new InvalidOperationException($"{key} has no {color} executor to cut over to; was DeployGreen lost?");
                previous = slot.LiveColor;
                await plane.Route(key, slot.View.Routes with { Live = executor.Address, Previous = previous }, cancel);
                logger.LogInformation("{Target}: live traffic moved to {Color} ({Address})", key, color, executor.Address);
            }

            return new TrafficMoved(color, previous ?? BlueGreenPlan.Other(color), slot.View.LiveEndpoint, time.GetElapsedTime(started));
        }, cancel);
    }

    /// <summary>Live traffic back on the previous color if it had moved; the new color removed. Returns the live color, if any serves.</summary>
    public async Task<RolledBackTo> RollBack(RollBackDeployment command, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(command);
        var target = command.Target;
        var started = time.GetTimestamp();
        return await Locked(target, async (plane, key, slot) =>
        {
            var plan = BlueGreenPlan.RollBack(slot.Observed(), command.DeploymentId);
            var routes = slot.View.Routes;
            if (plan.MovesLive)
            {
                routes = routes with { Live = plan.Live is { } back ? slot.Of(back)!.Address : null, Previous = null };
            }

            if (plan.ClearsPreview)
            {
                routes = routes with { Preview = null };
            }

            if (routes != slot.View.Routes)
            {
                await plane.Route(key, routes, cancel);
            }

            if (plan.Removes is { } color && slot.Of(color) is not null)
            {
                await plane.Stop(key, color, cancel);
                scrapeTargets.Write(target, new LocalSlot(await plane.Open(key, cancel)).Addresses);
            }

            var live = plan.MovesLive ? plan.Live : slot.LiveColor;
            logger.LogInformation("{Target}: rolled back; live is {Live}", key, live?.ToString() ?? "nothing");
            return new RolledBackTo(live, time.GetElapsedTime(started));
        }, cancel);
    }

    /// <summary>
    /// Makes the deployment's version the stable one and, after the scale-down delay, retires the other color —
    /// only if the deployment is still the live one and the other color was deployed before it: a newer
    /// deployment that has already taken the idle color (its DeployGreen can overtake this command) keeps it,
    /// and so does its preview.
    /// </summary>
    public async Task Finalize(FinalizeDeployment command, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(command);
        var target = command.Target;
        var retiring = await Locked(target, async (plane, key, slot) =>
        {
            var plan = BlueGreenPlan.Finalize(slot.Observed(), command.DeploymentId);
            var routes = slot.View.Routes;
            if (plan.ClearsPreview)
            {
                routes = routes with { Preview = null };
            }

            if (plan.StillLive)
            {
                routes = routes with { Previous = null };
            }

            if (routes != slot.View.Routes)
            {
                await plane.Route(key, routes, cancel);
            }

            return plan.StillLive && plan.Retires is { } old ? slot.Of(old) : null;
        }, cancel);
        if (retiring is null)
        {
            return;
        }

        await Task.Delay(TimeSpan.FromSeconds(options.Value.ScaleDownDelaySeconds), time, cancel);
        await Locked(target, async (plane, key, slot) =>
        {
            if (slot.Of(retiring.Color) is { } current && current.Address == retiring.Address && current.DeploymentId == retiring.DeploymentId && slot.LiveColor != retiring.Color)
            {
                await plane.Stop(key, retiring.Color, cancel);
                scrapeTargets.Write(target, new LocalSlot(await plane.Open(key, cancel)).Addresses);
                logger.LogInformation("{Target}: retired {Color}; {Live} is the stable version", key, retiring.Color, slot.LiveColor);
            }

            return true;
        }, cancel);
    }

    /// <summary>What serves the policy now, as the data plane reports it (nothing, for a policy it has no slot for).</summary>
    public async Task<ServingNow> Serving(DeploymentTarget target, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(target);
        var plane = await dataPlane.Get(cancel, startIfDown: false);
        var key = Key(target);
        if ((await plane.Slots(cancel)).FirstOrDefault(s => s.Key == key) is not { } view)
        {
            return new ServingNow(target, Reported: true, Colors: []);
        }

        var slot = new LocalSlot(view);
        return new ServingNow(target, Reported: true, slot.LiveColor, slot.PreviewColor, view.LiveEndpoint.ToString(),
            [.. view.Executors.Select(e => new ServingColor(e.Color, e.DeploymentId.ToString(), e.Digest))]);
    }

    /// <summary>One step for a policy, on what the data plane serves now, while no other command for that policy runs in this process.</summary>
    private async Task<T> Locked<T>(DeploymentTarget target, Func<IDataPlane, SlotKey, LocalSlot, Task<T>> step, CancellationToken cancel)
    {
        var key = Key(target);
        var gate = gates.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancel);
        try
        {
            var plane = await dataPlane.Get(cancel);
            return await step(plane, key, new LocalSlot(await plane.Open(key, cancel)));
        }
        catch (DataPlaneRefusedException refused)
        {
            throw new RolloutTargetException(refused.Message);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task WaitReady(Uri executor, TimeSpan deadline, CancellationToken cancel)
    {
        var http = clients.CreateClient(nameof(LocalTarget));
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(executor, "readyz"), cancel);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception error) when (error is HttpRequestException || (error is TaskCanceledException && !cancel.IsCancellationRequested))
            {
            }

            if (watch.Elapsed > deadline)
            {
                throw new RolloutTargetException($"the executor at {executor} was not ready within the progress deadline of {deadline.TotalSeconds:F0} s");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), time, cancel);
        }
    }

    private static SlotKey Key(DeploymentTarget target) => new(target.Agency, target.Environment, target.PolicyName);
}
