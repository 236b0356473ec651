using System.Diagnostics;
using Bpdp.DataPlane;
using Bpdp.Rollout.Targets;
using Microsoft.Extensions.Options;

namespace Bpdp.Rollout.Local;

/// <summary>
/// The local target's data plane. With <see cref="ExecutorRunner.Process"/>, the <c>bpdp-dataplane</c> process of
/// <c>Rollout:DataPlane:StateDirectory</c>, started when none answers: it serves users whether this service runs
/// or not, and what it serves is read back from it at every command. With <see cref="ExecutorRunner.InProcess"/>,
/// one inside this process that ends with it.
/// </summary>
public sealed class LocalDataPlane(IOptions<RolloutOptions> options, ILoggerFactory loggers) : IAsyncDisposable
{
    private const int MaxSocketPath = 107;
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly ILogger logger = loggers.CreateLogger<LocalDataPlane>();
    private HostDataPlane? inProcess;
    private DataPlaneClient? client;

    public DataPlaneFiles Files { get; } = new(Path.GetFullPath(options.Value.DataPlane.StateDirectory is { Length: > 0 } directory
        ? directory
        : Path.Combine(options.Value.WorkDirectory, "dataplane")));

    /// <param name="cancel">Stops waiting.</param>
    /// <param name="startIfDown">Whether to start the data plane when none answers (false for a question that must change nothing).</param>
    public async Task<IDataPlane> Get(CancellationToken cancel, bool startIfDown = true)
    {
        var settings = options.Value;
        await gate.WaitAsync(cancel);
        try
        {
            if (settings.Runner == ExecutorRunner.InProcess)
            {
                return inProcess ??= HostDataPlane.InMemory(settings.ListenAddress, new InProcessLauncher(), loggers.CreateLogger<HostDataPlane>());
            }

            if (Files.Socket.Length > MaxSocketPath)
            {
                throw new RolloutTargetException($"the data plane's socket {Files.Socket} is longer than a Unix socket path may be ({MaxSocketPath}); " +
                    "set Rollout:DataPlane:StateDirectory to a shorter folder");
            }

            client ??= new DataPlaneClient(Files.Socket, TimeSpan.FromSeconds(60));
            if (!await client.Answers(cancel))
            {
                if (!startIfDown)
                {
                    throw new RolloutTargetException($"no data plane answers at {Files.Socket}: nothing is served from {Files.Directory}");
                }

                await Start(settings, cancel);
            }

            return client;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task Start(RolloutOptions settings, CancellationToken cancel)
    {
        if (!settings.DataPlane.Start)
        {
            throw new RolloutTargetException($"no data plane answers at {Files.Socket}: start `bpdp-dataplane --state-directory {Files.Directory}` " +
                "(beside the Rollout) under your supervisor, or set Rollout:DataPlane:Start=true to let the Rollout start it");
        }

        logger.LogInformation("No data plane answers at {Socket}; starting bpdp-dataplane for {Directory} (log {Log})", Files.Socket, Files.Directory, Files.Log);
        DataPlaneProcess.Start(Files, settings.ListenAddress);
        var watch = Stopwatch.StartNew();
        while (!await client!.Answers(cancel))
        {
            if (watch.Elapsed > StartDeadline)
            {
                throw new RolloutTargetException($"bpdp-dataplane did not answer at {Files.Socket} within {StartDeadline.TotalSeconds:F0} s; see {Files.Log}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancel);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (inProcess is not null)
        {
            await inProcess.DisposeAsync();
        }

        if (options.Value.Runner == ExecutorRunner.Process && options.Value.DataPlane.StopWithRollout && Files.Socket.Length <= MaxSocketPath)
        {
            // Also one this run never spoke to: a restarted all-in-one host stops the data plane it found.
            client ??= new DataPlaneClient(Files.Socket, TimeSpan.FromSeconds(60));
        }

        if (client is not null)
        {
            if (options.Value.DataPlane.StopWithRollout && await client.Answers(CancellationToken.None))
            {
                await client.StopAll(CancellationToken.None);
            }

            client.Dispose();
        }

        gate.Dispose();
    }
}
