using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Bpdp.Rollout.Local;

/// <summary>
/// The image's own executor binary as a child process on a free port. A crashed child is started again
/// (after a second, so a binary that cannot start does not spin); disposing stops it with SIGTERM, then kills.
/// </summary>
public sealed class ProcessExecutor : IRunningExecutor
{
    private readonly ProcessStartInfo start;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock gate = new();
    private Process process;

    private ProcessExecutor(ProcessStartInfo start, Uri address, string digest, ILogger logger)
    {
        this.start = start;
        this.logger = logger;
        Address = address;
        Digest = digest;
        process = Launch();
    }

    public Uri Address { get; }

    public string Digest { get; }

    public static ProcessExecutor Start(string rootfs, string digest, string color, string listenAddress, ILogger logger)
    {
        var binary = Path.Combine(rootfs, "usr", "local", "bin", "bpdp-executor");
        if (!File.Exists(binary))
        {
            throw new FileNotFoundException($"the image has no executor at /usr/local/bin/bpdp-executor; use Rollout:Runner=InProcess for images built without the native executor.", binary);
        }

        var port = FreePort(listenAddress);
        var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = rootfs };

        // The child runs a binary from an image: it gets what it needs, never this service's credentials.
        start.Environment.Clear();
        start.Environment["PATH"] = "/usr/local/bin:/usr/bin:/bin";
        start.Environment["BPDP_POLICY"] = Path.Combine(rootfs, "policy", "policy.yaml");
        start.Environment["BPDP_COLOR"] = color;
        start.Environment["ASPNETCORE_URLS"] = $"http://{listenAddress}:{port.ToString(CultureInfo.InvariantCulture)}";
        return new ProcessExecutor(start, new Uri($"http://{listenAddress}:{port}/"), digest, logger);
    }

    private Process Launch()
    {
        var child = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start");
        child.ErrorDataReceived += (_, e) => { if (e.Data is { } line) { logger.LogDebug("executor {Address}: {Line}", Address, line); } };
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        child.EnableRaisingEvents = true;
        child.Exited += (_, _) => Restart();
        return child;
    }

    private void Restart()
    {
        if (stopping.IsCancellationRequested)
        {
            return;
        }

        logger.LogWarning("The executor at {Address} exited with {Code}; starting it again", Address, process.ExitCode);
        _ = Task.Delay(TimeSpan.FromSeconds(1), stopping.Token).ContinueWith(t =>
        {
            lock (gate)
            {
                if (!t.IsCanceled && !stopping.IsCancellationRequested)
                {
                    var exited = process;
                    process = Launch();
                    exited.Dispose();
                }
            }
        }, TaskScheduler.Default);
    }

    private static int FreePort(string address)
    {
        using var listener = new TcpListener(IPAddress.Parse(address), 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Process process;
        lock (gate)
        {
            stopping.Cancel();
            process = this.process;
        }

        if (!process.HasExited)
        {
            using (Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)])) { }
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        process.Dispose();
        stopping.Dispose();
    }
}
