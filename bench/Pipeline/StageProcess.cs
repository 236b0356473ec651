using System.Diagnostics;
using System.Net.Sockets;

namespace Bpdp.Bench.Pipeline;

/// <summary>One stage service run from its own build output (<c>dotnet services/X/bin/…/Bpdp.X.dll</c>), its settings as environment variables.</summary>
internal sealed class StageProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly List<string> log = [];

    private StageProcess(Process process, string project)
    {
        this.process = process;
        Project = project;
    }

    public string Project { get; }

    public string Log
    {
        get
        {
            lock (log)
            {
                return string.Join('\n', log);
            }
        }
    }

    public static async Task<StageProcess> Start(string root, string project, IReadOnlyDictionary<string, string?> settings)
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var assembly = Path.Combine(root, "services", project, "bin", output.Parent!.Name, output.Name, $"Bpdp.{project}.dll");
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException($"{assembly} is not built: dotnet build BPDP.sln -c {output.Parent.Name}");
        }

        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [assembly]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(assembly)! };
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        start.Environment["Service__HttpAddress"] = "127.0.0.1";
        start.Environment["Service__HttpPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var stage = new StageProcess(Process.Start(start)!, project);
        stage.process.OutputDataReceived += (_, line) => stage.Add(line.Data);
        stage.process.ErrorDataReceived += (_, line) => stage.Add(line.Data);
        stage.process.BeginOutputReadLine();
        stage.process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (stage.process.HasExited)
            {
                throw new InvalidOperationException($"{project} exited with {stage.process.ExitCode}:\n{stage.Log}");
            }

            try
            {
                using var health = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/healthz"));
                if (health.IsSuccessStatusCode)
                {
                    return stage;
                }
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException)
            {
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"{project} did not answer /healthz within 60 s:\n{stage.Log}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.Add(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }
}
