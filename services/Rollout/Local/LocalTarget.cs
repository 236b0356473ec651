using System.Collections.Concurrent;
using System.Diagnostics;
using Bpdp.Contracts;
using Bpdp.Images;
using Bpdp.Rollout.BlueGreen;
using Bpdp.Rollout.Targets;
using Bpdp.Rollout.Traffic;
using Microsoft.Extensions.Options;

namespace Bpdp.Rollout.Local;

/// <summary>
/// Blue-green on this host: executors of the image as processes (or in process), behind a proxy whose live
/// and preview destinations flip atomically. The new version goes to the idle color; cutover moves live
/// traffic and keeps the old color warm; rollback moves it back and removes the new color; finalize retires
/// the old color after the scale-down delay. Stopping the host stops every executor it started.
/// </summary>
public sealed class LocalTarget(IImageStore store, IHttpClientFactory clients, IOptions<RolloutOptions> options, TimeProvider time, ILogger<LocalTarget> logger) : IRolloutTarget, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<LocalSlot>>> slots = new(StringComparer.Ordinal);
    private readonly ScrapeTargets scrapeTargets = new(options.Value.ScrapeTargetsDirectory);

    public async Task<GreenDeployed> DeployGreen(DeployGreen command, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(command);
        var (target, image) = (command.Target, command.Image);
        var started = time.GetTimestamp();
        var slot = await Slot(target, cancel);
        await slot.Gate.WaitAsync(cancel);
        try
        {
            var plan = BlueGreenPlan.DeployGreen(slot.Observed(), command.DeploymentId, image.Digest);
            var color = plan.Color;
            if (plan.Action == DeployAction.Reuse)
            {
                var mine = slot.Executors[color];
                await WaitReady(mine, TimeSpan.FromSeconds(options.Value.ProgressDeadlineSeconds), cancel);
                if (plan.PointsPreview)
                {
                    slot.Traffic.SwitchPreview(mine.Address);
                }

                return new GreenDeployed(color, slot.Traffic.PreviewEndpoint, 1, time.GetElapsedTime(started));
            }

            if (plan.Action == DeployAction.Replace && slot.Executors.Remove(color, out var existing))
            {
                slot.Owners.Remove(color);
                await existing.DisposeAsync();
            }

            var rootfs = await ImageUnpacker.Unpack(store, store.Unqualify(image.Repository), image.Digest, Path.Combine(options.Value.WorkDirectory, "images"), cancel);
            var unpackedIn = time.GetElapsedTime(started);
            var settings = options.Value;
            IRunningExecutor executor = settings.Runner == ExecutorRunner.InProcess
                ? await InProcessExecutor.Start(rootfs, image.Digest, color.ToString().ToLowerInvariant(), settings.ListenAddress, cancel)
                : ProcessExecutor.Start(rootfs, image.Digest, color.ToString().ToLowerInvariant(), settings.ListenAddress, logger);
            try
            {
                await WaitReady(executor, TimeSpan.FromSeconds(settings.ProgressDeadlineSeconds), cancel);
            }
            catch
            {
                await executor.DisposeAsync();
                throw;
            }

            slot.Executors[color] = executor;
            slot.Owners[color] = (command.DeploymentId, command.OccurredAt);
            scrapeTargets.Write(target, slot.Executors.Values.Select(e => e.Address));
            if (plan.PointsPreview)
            {
                slot.Traffic.SwitchPreview(executor.Address);
            }

            var readyIn = time.GetElapsedTime(started);
            logger.LogInformation(
                "{Target}: {Version} is ready as {Color} at {Address} (preview {Preview}) in {Ready:F0} ms: image unpacked {Unpacked:F0} ms, executor started and ready {Started:F0} ms",
                Key(target), target.PolicyVersion, color, executor.Address, slot.Traffic.PreviewEndpoint, readyIn.TotalMilliseconds, unpackedIn.TotalMilliseconds,
                (readyIn - unpackedIn).TotalMilliseconds);
            return new GreenDeployed(color, slot.Traffic.PreviewEndpoint, 1, time.GetElapsedTime(started));
        }
        finally
        {
            slot.Gate.Release();
        }
    }

    public async Task<TrafficMoved> CutOver(CutOverTraffic command, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(command);
        var (target, color) = (command.Target, command.Color);
        var started = time.GetTimestamp();
        var slot = await Slot(target, cancel);
        await slot.Gate.WaitAsync(cancel);
        try
        {
            if (slot.LiveColor != color)
            {
                var executor = slot.Executors.GetValueOrDefault(color) ?? throw new InvalidOperationException($"{Key(target)} has no {color} executor to cut over to; was DeployGreen lost?");
                slot.PreviousColor = slot.LiveColor;
                slot.Traffic.SwitchLive(executor.Address);
                slot.LiveColor = color;
                logger.LogInformation("{Target}: live traffic moved to {Color} ({Address})", Key(target), color, executor.Address);
            }

            return new TrafficMoved(color, slot.PreviousColor ?? BlueGreenPlan.Other(color), slot.Traffic.LiveEndpoint, time.GetElapsedTime(started));
        }
        finally
        {
            slot.Gate.Release();
        }
    }

    /// <summary>Live traffic back on the previous color if it had moved; the new color removed. Returns the live color, if any serves.</summary>
    public async Task<RolledBackTo> RollBack(RollBackDeployment command, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(command);
        var target = command.Target;
        var started = time.GetTimestamp();
        var slot = await Slot(target, cancel);
        await slot.Gate.WaitAsync(cancel);
        try
        {
            var plan = BlueGreenPlan.RollBack(slot.Observed(), command.DeploymentId);
            if (plan.MovesLive)
            {
                slot.Traffic.SwitchLive(plan.Live is { } back ? slot.Executors[back].Address : null);
                slot.LiveColor = plan.Live;
                slot.PreviousColor = null;
            }

            if (plan.ClearsPreview)
            {
                slot.Traffic.SwitchPreview(null);
            }

            if (plan.Removes is { } color && slot.Executors.Remove(color, out var removed))
            {
                slot.Owners.Remove(color);
                await removed.DisposeAsync();
                scrapeTargets.Write(target, slot.Executors.Values.Select(e => e.Address));
            }

            logger.LogInformation("{Target}: rolled back; live is {Live}", Key(target), slot.LiveColor?.ToString() ?? "nothing");
            return new RolledBackTo(slot.LiveColor, time.GetElapsedTime(started));
        }
        finally
        {
            slot.Gate.Release();
        }
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
        var slot = await Slot(target, cancel);
        Color old;
        IRunningExecutor retiring;
        await slot.Gate.WaitAsync(cancel);
        try
        {
            var plan = BlueGreenPlan.Finalize(slot.Observed(), command.DeploymentId);
            if (plan.ClearsPreview)
            {
                slot.Traffic.SwitchPreview(null);
            }

            if (!plan.StillLive)
            {
                return;
            }

            slot.PreviousColor = null;
            if (plan.Retires is not { } retires)
            {
                return;
            }

            old = retires;
            retiring = slot.Executors[old];
        }
        finally
        {
            slot.Gate.Release();
        }

        await Task.Delay(TimeSpan.FromSeconds(options.Value.ScaleDownDelaySeconds), time, cancel);
        await slot.Gate.WaitAsync(cancel);
        try
        {
            if (slot.Executors.TryGetValue(old, out var current) && ReferenceEquals(current, retiring))
            {
                slot.Executors.Remove(old);
                slot.Owners.Remove(old);
                await retiring.DisposeAsync();
                scrapeTargets.Write(target, slot.Executors.Values.Select(e => e.Address));
                logger.LogInformation("{Target}: retired {Color}; {Live} is the stable version", Key(target), old, slot.LiveColor);
            }
        }
        finally
        {
            slot.Gate.Release();
        }
    }

    private async Task WaitReady(IRunningExecutor executor, TimeSpan deadline, CancellationToken cancel)
    {
        var http = clients.CreateClient(nameof(LocalTarget));
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(executor.Address, "readyz"), cancel);
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
                throw new RolloutTargetException($"the executor at {executor.Address} was not ready within the progress deadline of {deadline.TotalSeconds:F0} s");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), time, cancel);
        }
    }

    private async Task<LocalSlot> Slot(DeploymentTarget target, CancellationToken cancel)
    {
        var key = Key(target);
        var slot = slots.GetOrAdd(key, _ => new Lazy<Task<LocalSlot>>(async () => new LocalSlot(await TrafficSwitch.Start(options.Value.ListenAddress, CancellationToken.None))));
        try
        {
            return await slot.Value.WaitAsync(cancel);
        }
        catch (Exception) when (slot.Value.IsFaulted)
        {
            // A switch that could not start (a port in use) is tried again by the next command, not remembered as broken.
            slots.TryRemove(new KeyValuePair<string, Lazy<Task<LocalSlot>>>(key, slot));
            throw;
        }
    }

    private static string Key(DeploymentTarget target) => $"{target.Agency}/{target.Environment}/{target.PolicyName}";

    public async ValueTask DisposeAsync()
    {
        foreach (var slot in slots.Values.Where(s => s.IsValueCreated))
        {
            var resolved = await slot.Value;
            foreach (var executor in resolved.Executors.Values)
            {
                await executor.DisposeAsync();
            }

            await resolved.Traffic.DisposeAsync();
        }
    }
}
