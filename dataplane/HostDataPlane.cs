using Bpdp.Contracts;
using Microsoft.Extensions.Logging;

namespace Bpdp.DataPlane;

/// <summary>
/// The data plane of one host: per slot a <see cref="SlotProxy"/> and the executors of each color, started by
/// its launcher. With a state file, every change is written before it is answered, and <see cref="Restore"/>
/// serves the same slots on the same ports again, adopting the executors that still run.
/// </summary>
public sealed class HostDataPlane : IDataPlane, IAsyncDisposable
{
    private readonly string listenAddress;
    private readonly IExecutorLauncher launcher;
    private readonly StateFile? state;
    private readonly ILogger logger;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly Dictionary<SlotKey, Slot> slots = [];

    private HostDataPlane(string listenAddress, IExecutorLauncher launcher, StateFile? state, ILogger logger)
    {
        this.listenAddress = listenAddress;
        this.launcher = launcher;
        this.state = state;
        this.logger = logger;
    }

    private sealed class Slot(SlotProxy proxy)
    {
        public SlotProxy Proxy { get; } = proxy;

        public SlotRoutes Routes { get; set; } = SlotRoutes.None;

        public Dictionary<Color, (ExecutorSpec Spec, int Port, IRunningExecutor Executor)> Executors { get; } = [];
    }

    /// <summary>A data plane that keeps nothing: what it serves ends with it (the embedded mode).</summary>
    public static HostDataPlane InMemory(string listenAddress, IExecutorLauncher launcher, ILogger logger) => new(listenAddress, launcher, null, logger);

    /// <summary>The data plane of <paramref name="state"/>: every slot it names served again on its ports, its executors adopted or started again.</summary>
    public static async Task<HostDataPlane> Restore(string listenAddress, IExecutorLauncher launcher, StateFile state, ILogger logger, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(state);
        var plane = new HostDataPlane(listenAddress, launcher, state, logger);
        foreach (var kept in state.Read().Slots)
        {
            SlotProxy proxy;
            try
            {
                proxy = await SlotProxy.Start(listenAddress, kept.LivePort, kept.PreviewPort, cancel);
            }
            catch (IOException error)
            {
                logger.LogError("{Slot}: its ports {Live} and {Preview} could not be served again ({Error}); it gets new ones at its next command", kept.Key, kept.LivePort,
                    kept.PreviewPort, error.Message);
                continue;
            }

            var slot = new Slot(proxy);
            plane.slots[kept.Key] = slot;
            foreach (var executor in kept.Executors)
            {
                var launch = new ExecutorLaunch(kept.Key, executor.Color, executor.Spec, listenAddress, executor.Port);
                var running = executor.ProcessId is { } id ? launcher.Adopt(launch, id) : null;
                try
                {
                    running ??= await launcher.Launch(launch, cancel);
                }
                catch (Exception error) when (error is IOException or InvalidOperationException or System.ComponentModel.Win32Exception)
                {
                    logger.LogError("{Slot}: {Color} could not be started again at {Address} ({Error}); the Rollout deploys it again", kept.Key, executor.Color, launch.Address, error.Message);
                    continue;
                }

                logger.LogInformation("{Slot}: {Color} {How} at {Address}", kept.Key, executor.Color,
                    running.ProcessId == executor.ProcessId && executor.ProcessId is not null ? $"adopted (process {executor.ProcessId})" : "started again", launch.Address);
                slot.Executors[executor.Color] = (executor.Spec, executor.Port, plane.Watched(running));
            }

            slot.Routes = kept.Routes;
            slot.Proxy.Point(kept.Routes.Live, kept.Routes.Preview);
            logger.LogInformation("{Slot}: serving live at {Live} (to {LiveTo}), preview at {Preview} (to {PreviewTo})",
                kept.Key, slot.Proxy.LiveEndpoint, kept.Routes.Live?.ToString() ?? "nothing", slot.Proxy.PreviewEndpoint, kept.Routes.Preview?.ToString() ?? "nothing");
        }

        // An executor started but never written down (this data plane killed in between), or one of a slot not served again.
        launcher.StopOrphans(plane.slots.Values.SelectMany(s => s.Executors.Values).Select(e => e.Executor.ProcessId).OfType<int>().ToHashSet());
        plane.Save();
        return plane;
    }

    public Task<SlotView> Open(SlotKey key, CancellationToken cancel) => Locked(async () => View(key, await SlotOf(key, cancel)), cancel);

    public Task<ExecutorView> Run(SlotKey key, Color color, ExecutorSpec spec, CancellationToken cancel) => Locked(async () =>
    {
        ArgumentNullException.ThrowIfNull(spec);
        var slot = await SlotOf(key, cancel);
        if (slot.Executors.Remove(color, out var replaced))
        {
            Save();
            await replaced.Executor.DisposeAsync();
        }

        var launch = new ExecutorLaunch(key, color, spec, listenAddress, FreePort.On(listenAddress));
        var executor = Watched(await launcher.Launch(launch, cancel));
        slot.Executors[color] = (spec, launch.Port, executor);
        Save();
        return View(color, slot.Executors[color]);
    }, cancel);

    public Task Stop(SlotKey key, Color color, CancellationToken cancel) => Locked(async () =>
    {
        if (slots.TryGetValue(key, out var slot) && slot.Executors.Remove(color, out var stopped))
        {
            Save();
            await stopped.Executor.DisposeAsync();
        }

        return true;
    }, cancel);

    public Task<SlotView> Route(SlotKey key, SlotRoutes routes, CancellationToken cancel) => Locked(async () =>
    {
        ArgumentNullException.ThrowIfNull(routes);
        var slot = await SlotOf(key, cancel);
        slot.Routes = routes;
        Save();
        slot.Proxy.Point(routes.Live, routes.Preview);
        return View(key, slot);
    }, cancel);

    public Task<IReadOnlyList<SlotView>> Slots(CancellationToken cancel) =>
        Locked(() => Task.FromResult<IReadOnlyList<SlotView>>([.. slots.Select(s => View(s.Key, s.Value))]), cancel);

    /// <summary>An executor whose restarts are written down: the state file names the process that runs now.</summary>
    private IRunningExecutor Watched(IRunningExecutor executor)
    {
        executor.Restarted += () => _ = Locked(() =>
        {
            Save();
            return Task.FromResult(true);
        }, CancellationToken.None);
        return executor;
    }

    private async Task<Slot> SlotOf(SlotKey key, CancellationToken cancel)
    {
        if (!slots.TryGetValue(key, out var slot))
        {
            slot = new Slot(await SlotProxy.Start(listenAddress, FreePort.On(listenAddress), FreePort.On(listenAddress), cancel));
            slots[key] = slot;
            Save();
            logger.LogInformation("{Slot}: live at {Live}, preview at {Preview}", key, slot.Proxy.LiveEndpoint, slot.Proxy.PreviewEndpoint);
        }

        return slot;
    }

    private async Task<T> Locked<T>(Func<Task<T>> step, CancellationToken cancel)
    {
        await gate.WaitAsync(cancel);
        try
        {
            return await step();
        }
        finally
        {
            gate.Release();
        }
    }

    private void Save() => state?.Write(new DataPlaneState([.. slots.Select(s => new SlotState(s.Key, s.Value.Proxy.LiveEndpoint.Port, s.Value.Proxy.PreviewEndpoint.Port,
        s.Value.Routes, [.. s.Value.Executors.Select(e => new ExecutorState(e.Key, e.Value.Spec, e.Value.Port, e.Value.Executor.ProcessId))]))]));

    private static SlotView View(SlotKey key, Slot slot) =>
        new(key, slot.Proxy.LiveEndpoint, slot.Proxy.PreviewEndpoint, slot.Routes, [.. slot.Executors.OrderBy(e => e.Key).Select(e => View(e.Key, e.Value))]);

    private static ExecutorView View(Color color, (ExecutorSpec Spec, int Port, IRunningExecutor Executor) running) =>
        new(color, running.Executor.Address, running.Spec.Digest, running.Spec.DeploymentId, running.Spec.DeployedAt, running.Executor.ProcessId);

    /// <summary>Stops every proxy and every executor, and forgets them: nothing is served any more.</summary>
    public async Task StopAll()
    {
        await gate.WaitAsync();
        try
        {
            foreach (var slot in slots.Values)
            {
                foreach (var executor in slot.Executors.Values)
                {
                    await executor.Executor.DisposeAsync();
                }

                await slot.Proxy.DisposeAsync();
            }

            slots.Clear();
            Save();
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Stops serving from this process. With a state file, the executors are let go running, for the next run
    /// to adopt (only the proxies pause); without one, they are stopped.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (state is null)
        {
            await StopAll();
            return;
        }

        await gate.WaitAsync();
        try
        {
            foreach (var slot in slots.Values)
            {
                foreach (var executor in slot.Executors.Values)
                {
                    executor.Executor.Release();
                }

                await slot.Proxy.DisposeAsync();
            }

            slots.Clear();
        }
        finally
        {
            gate.Release();
        }
    }
}
