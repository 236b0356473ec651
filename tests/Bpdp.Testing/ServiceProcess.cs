using System.Collections.Concurrent;
using System.Diagnostics;

namespace Bpdp.Testing;

/// <summary>A BPDP service run as its own OS process from the test's output folder, with its log kept for failures.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> log = new();

    private ServiceProcess(Process process, Uri httpAddress)
    {
        this.process = process;
        HttpAddress = httpAddress;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri HttpAddress { get; }

    /// <summary>The operating system's id of the service's process.</summary>
    public int ProcessId => process.Id;

    public string Log => string.Join('\n', log);

    /// <summary>
    /// Starts a service from its own build output (<c>services/X/bin/&lt;configuration&gt;/net10.0</c>) rather than the
    /// test's, for a service whose dependencies must not mix with the test's (Docker.DotNet against Testcontainers' fork).
    /// </summary>
    public static Task<ServiceProcess> StartFromOwnOutput(string project, string assembly, int httpPort, IReadOnlyDictionary<string, string?> settings)
    {
        var outputs = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var path = Path.Combine(RepositoryRoot.Path, project, "bin", outputs.Parent!.Name, outputs.Name, assembly);
        return File.Exists(path) ? Start(path, httpPort, settings) : throw new FileNotFoundException($"{path} is not built: dotnet build BPDP.sln -c {outputs.Parent.Name}.");
    }

    /// <summary>Starts <paramref name="assembly"/> (e.g. Bpdp.Ledger.dll, or a full path) with the given settings as environment variables, and waits for its /healthz.</summary>
    public static async Task<ServiceProcess> Start(string assembly, int httpPort, IReadOnlyDictionary<string, string?> settings, params string[] arguments)
    {
        var path = Path.Combine(AppContext.BaseDirectory, assembly);
        var start = new ProcessStartInfo("dotnet", [path, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(path)!,
        };
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        start.Environment["Service__HttpAddress"] = "127.0.0.1";
        start.Environment["Service__HttpPort"] = httpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var service = new ServiceProcess(Process.Start(start)!, new Uri($"http://127.0.0.1:{httpPort}"));
        using var http = new HttpClient { BaseAddress = service.HttpAddress };
        await Eventually.Holds(async () =>
        {
            if (service.process.HasExited)
            {
                throw new InvalidOperationException($"{assembly} exited with {service.process.ExitCode}:\n{service.Log}");
            }

            try
            {
                return (await http.GetAsync(new Uri("/healthz", UriKind.Relative))).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, $"{assembly} answers /healthz", TimeSpan.FromSeconds(60));
        return service;
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

    private void Keep(string? line)
    {
        if (line is not null)
        {
            log.Enqueue(line);
        }
    }
}
