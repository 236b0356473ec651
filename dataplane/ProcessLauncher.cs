using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Bpdp.DataPlane;

/// <summary>
/// Executors as processes of the image's own binary (<c>/usr/local/bin/bpdp-executor</c> in the unpacked root),
/// each writing its output to a file of its own in <paramref name="logDirectory"/> — no pipe ties it to this process,
/// so it outlives it and can be adopted by the next run. Each carries <see cref="Marker"/>, so one the state file does not
/// list (its data plane killed between starting it and writing it down) is found and stopped (<see cref="Orphans"/>).
/// </summary>
public sealed class ProcessLauncher(string logDirectory, ILogger logger) : IExecutorLauncher
{
    /// <summary>The variable every executor this launcher starts carries, naming its data plane: how one left behind is found again.</summary>
    public const string Marker = "BPDP_DATAPLANE";

    public Task<IRunningExecutor> Launch(ExecutorLaunch launch, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var binary = Binary(launch);
        if (!File.Exists(binary))
        {
            throw new FileNotFoundException("the image has no executor at /usr/local/bin/bpdp-executor; use Rollout:Runner=InProcess for images built without the native executor.", binary);
        }

        return Task.FromResult<IRunningExecutor>(SupervisedProcess.Start(() => Start(launch, binary), launch.Address, logger));
    }

    public IRunningExecutor? Adopt(ExecutorLaunch launch, int processId)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var binary = Binary(launch);
        return RunsBinary(processId, binary) ? SupervisedProcess.Adopt(processId, () => Start(launch, binary), launch.Address, logger) : null;
    }

    /// <summary>Stops every executor of this launcher that runs but is not among <paramref name="kept"/>: none is left serving unknown.</summary>
    public void StopOrphans(IReadOnlySet<int> kept)
    {
        foreach (var id in Orphans(kept))
        {
            logger.LogWarning("Executor process {Process} of this data plane is in no slot (left between a start and its record); stopping it", id);
            using (Process.Start("kill", ["-TERM", id.ToString(CultureInfo.InvariantCulture)])) { }
        }
    }

    private IEnumerable<int> Orphans(IReadOnlySet<int> kept)
    {
        var marker = $"{Marker}={logDirectory}";
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var id) || kept.Contains(id))
            {
                continue;
            }

            string environment;
            try
            {
                environment = File.ReadAllText(Path.Combine(folder, "environ"));
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            if (environment.Split('\0').Contains(marker, StringComparer.Ordinal))
            {
                yield return id;
            }
        }
    }

    private static string Binary(ExecutorLaunch launch) => Path.GetFullPath(Path.Combine(launch.Spec.Rootfs, "usr", "local", "bin", "bpdp-executor"));

    private Process Start(ExecutorLaunch launch, string binary)
    {
        Directory.CreateDirectory(logDirectory);
        var log = Path.Combine(logDirectory, $"{launch.Slot.Agency}-{launch.Slot.Environment}-{launch.Slot.Policy}-{launch.Color.ToString().ToLowerInvariant()}.log");

        // exec: the shell becomes the executor (same process id), its output appended to its own file.
        var start = new ProcessStartInfo("/bin/sh", ["-c", "exec \"$0\" >>\"$1\" 2>&1", binary, log]) { WorkingDirectory = launch.Spec.Rootfs };

        // The child runs a binary from an image: it gets what it needs, never this service's credentials.
        start.Environment.Clear();
        start.Environment["PATH"] = "/usr/local/bin:/usr/bin:/bin";
        start.Environment["BPDP_POLICY"] = Path.Combine(launch.Spec.Rootfs, "policy", "policy.yaml");
        start.Environment["BPDP_COLOR"] = launch.Color.ToString().ToLowerInvariant();
        start.Environment["ASPNETCORE_URLS"] = $"http://{launch.ListenAddress}:{launch.Port.ToString(CultureInfo.InvariantCulture)}";
        start.Environment[Marker] = logDirectory;
        return Process.Start(start) ?? throw new InvalidOperationException($"{binary} did not start");
    }

    /// <summary>Whether the process is still the executor binary (a process id is reused once its process has gone): its first argument names it.</summary>
    private static bool RunsBinary(int processId, string binary)
    {
        try
        {
            var arguments = File.ReadAllText($"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/cmdline");
            return arguments.Split('\0')[0] == binary;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
