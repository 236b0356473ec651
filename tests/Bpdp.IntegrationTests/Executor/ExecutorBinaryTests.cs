using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Bpdp.IntegrationTests.Servers;
using Bpdp.Testing;

namespace Bpdp.IntegrationTests.Executor;

/// <summary>The published Native AOT executor — what goes into policy images — runs and decides cases.</summary>
public sealed class ExecutorBinaryTests
{
    [Fact]
    public async Task Published_binary_serves_a_policy_and_stops_on_SIGTERM()
    {
        var binary = PublishedExecutor.Path;
        var port = FreeTcpPort.Next();
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            Environment =
            {
                ["BPDP_POLICY"] = Path.Combine(RepositoryRoot.Path, "examples", "haz-fast", "v1.0.0.yaml"),
                ["BPDP_COLOR"] = "blue",
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            },
        };
        using var process = Process.Start(start)!;
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        try
        {
            await Eventually.Holds(async () =>
            {
                try
                {
                    return (await http.GetAsync("/readyz")).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, "the published executor is ready");

            using var response = await http.PostAsJsonAsync("/v1/evaluate", new { injuries = 1, severity = "critical", fatality = true, workers = 9, industry = "other", incidentOn = "2026-11-01" });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("\"rule\":\"fatality-fast-track\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Contains("color=\"blue\"", await http.GetStringAsync("/metrics"), StringComparison.Ordinal);

            Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }
}
