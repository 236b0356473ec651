using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Bpdp.DataPlane;

/// <summary>
/// An executor process kept running: started again a second after it exits (so a binary that cannot start
/// does not spin). Disposing stops it with SIGTERM, then SIGKILL after 10 s; releasing lets it run on unwatched.
/// </summary>
public sealed class SupervisedProcess : IRunningExecutor
{
    private readonly Func<Process> start;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock gate = new();
    private readonly Task watching;
    private Process? child;
    private int processId;

    private SupervisedProcess(Process? child, int processId, Func<Process> start, Uri address, ILogger logger)
    {
        this.child = child;
        this.processId = processId;
        this.start = start;
        this.logger = logger;
        Address = address;
        watching = Task.Run(Watch);
    }

    public Uri Address { get; }

    public event Action? Restarted;

    public int? ProcessId
    {
        get
        {
            lock (gate)
            {
                return processId;
            }
        }
    }

    public static SupervisedProcess Start(Func<Process> start, Uri address, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(start);
        var child = start();
        return new SupervisedProcess(child, child.Id, start, address, logger);
    }

    /// <summary>Watches a process started by an earlier run (not a child of this one), and starts a child in its place once it exits.</summary>
    public static SupervisedProcess Adopt(int processId, Func<Process> start, Uri address, ILogger logger) => new(null, processId, start, address, logger);

    private async Task Watch()
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Exited(stopping.Token);
                logger.LogWarning("The executor at {Address} (process {Process}) exited; starting it again", Address, ProcessId);
                await Task.Delay(TimeSpan.FromSeconds(1), stopping.Token);
                lock (gate)
                {
                    if (stopping.IsCancellationRequested)
                    {
                        return;
                    }

                    child?.Dispose();
                    child = null;
                    child = start();
                    processId = child.Id;
                }

                Restarted?.Invoke();
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception error) when (error is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                logger.LogError("The executor at {Address} could not be started again: {Error}", Address, error.Message);
            }
        }
    }

    private async Task Exited(CancellationToken cancel)
    {
        Process? watched;
        int id;
        lock (gate)
        {
            (watched, id) = (child, processId);
        }

        if (watched is not null)
        {
            await watched.WaitForExitAsync(cancel);
            return;
        }

        while (Alive(id))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancel);
        }
    }

    private static bool Alive(int id)
    {
        try
        {
            // A zombie has exited: its status line says Z.
            var status = File.ReadAllText($"/proc/{id.ToString(CultureInfo.InvariantCulture)}/stat");
            return status[(status.LastIndexOf(')') + 2)..].FirstOrDefault() != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    public void Release()
    {
        stopping.Cancel();
    }

    public async ValueTask DisposeAsync()
    {
        int id;
        lock (gate)
        {
            stopping.Cancel();
            id = processId;
        }

        try
        {
            await watching;
        }
        catch (OperationCanceledException)
        {
        }

        if (Alive(id))
        {
            using (Process.Start("kill", ["-TERM", id.ToString(CultureInfo.InvariantCulture)])) { }
            var deadline = Stopwatch.StartNew();
            while (Alive(id) && deadline.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50));
            }

            if (Alive(id))
            {
                using (Process.Start("kill", ["-KILL", id.ToString(CultureInfo.InvariantCulture)])) { }
            }
        }

        if (child is { } exited)
        {
            await exited.WaitForExitAsync();
            exited.Dispose();
        }

        stopping.Dispose();
    }
}
