namespace Bpdp.DataPlane;

/// <summary>How a data plane runs executors: as processes of the image's binary, or hosted in the process itself.</summary>
public interface IExecutorLauncher
{
    Task<IRunningExecutor> Launch(ExecutorLaunch launch, CancellationToken cancel);

    /// <summary>The executor a previous run of the data plane left serving, taken over; null when it no longer runs (it is then launched again).</summary>
    IRunningExecutor? Adopt(ExecutorLaunch launch, int processId);

    /// <summary>Stops the executors it started that run but are not among <paramref name="kept"/> (none, for executors that end with their process).</summary>
    void StopOrphans(IReadOnlySet<int> kept);
}
