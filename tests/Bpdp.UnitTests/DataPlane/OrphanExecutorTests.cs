using System.Diagnostics;
using Bpdp.DataPlane;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bpdp.UnitTests.DataPlane;

/// <summary>A process carrying the data plane's marker that its state does not list is stopped; one it lists, or another data plane's, is left alone.</summary>
public sealed class OrphanExecutorTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-orphans-").FullName;
    private readonly List<Process> started = [];

    public void Dispose()
    {
        foreach (var process in started)
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            process.Dispose();
        }

        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Only_the_unlisted_executor_of_this_data_plane_is_stopped()
    {
        var logs = Path.Combine(folder, "logs");
        var orphan = Sleeping(logs);
        var listed = Sleeping(logs);
        var another = Sleeping(Path.Combine(folder, "other", "logs"));

        new ProcessLauncher(logs, NullLogger.Instance).StopOrphans(new HashSet<int> { listed.Id });

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await orphan.WaitForExitAsync(deadline.Token);
        Assert.Equal((true, false, false), (orphan.HasExited, listed.HasExited, another.HasExited));
    }

    private Process Sleeping(string logs)
    {
        var start = new ProcessStartInfo("/bin/sleep", ["300"]);
        start.Environment[ProcessLauncher.Marker] = logs;
        var process = Process.Start(start)!;
        started.Add(process);
        return process;
    }
}
