using System.Diagnostics;
using System.Globalization;
using Bpdp.IntegrationTests.Servers;
using Bpdp.Testing;

namespace Bpdp.IntegrationTests.KpiGate;

/// <summary>A Prometheus of this test's own (the same binary the services script runs), scraping one target every second, so the test may stop it.</summary>
public sealed class PrivatePrometheus : IAsyncDisposable
{
    private readonly Process process;
    private readonly string folder;

    private PrivatePrometheus(Process process, string folder, Uri baseAddress)
    {
        this.process = process;
        this.folder = folder;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<PrivatePrometheus> Start(string target)
    {
        var folder = Directory.CreateTempSubdirectory("bpdp-prometheus-").FullName;
        var port = FreeTcpPort.Next();
        await File.WriteAllTextAsync(Path.Combine(folder, "prometheus.yml"), $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: executor
                static_configs:
                  - targets: ['{target}']
            """);
        var process = Process.Start(new ProcessStartInfo("prometheus",
            [$"--config.file={folder}/prometheus.yml", $"--storage.tsdb.path={folder}/data", $"--web.listen-address=127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"])
        { RedirectStandardError = true, RedirectStandardOutput = true }) ?? throw new InvalidOperationException("prometheus did not start: scripts/services.sh installs it.");
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var prometheus = new PrivatePrometheus(process, folder, new Uri($"http://127.0.0.1:{port}/"));
        await Eventually.Answers(new Uri(prometheus.BaseAddress, "-/ready"), status => (int)status is >= 200 and < 300, "the private Prometheus is ready", TimeSpan.FromSeconds(30));
        return prometheus;
    }

    /// <summary>How many instant queries it has answered (its own metric).</summary>
    public async Task<double> QueriesAnswered()
    {
        using var http = new HttpClient();
        var metrics = await http.GetStringAsync(new Uri(BaseAddress, "metrics"));
        return metrics.Split('\n')
            .Where(l => l.StartsWith("prometheus_http_requests_total{", StringComparison.Ordinal) && l.Contains("handler=\"/api/v1/query\"", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }

    public async Task Stop()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Stop();
        process.Dispose();
        Directory.Delete(folder, recursive: true);
    }
}
