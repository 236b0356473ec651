using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Bpdp.IntegrationTests.Servers;
using Npgsql;

namespace Bpdp.IntegrationTests.Harness;

/// <summary>Every real server the later stages test against answers, and the image tools are installed.</summary>
[Collection(RealServersCollection.Name)]
public sealed class RealServerHarnessTests(RealServers servers)
{
    [Fact]
    public async Task PostgreSQL_answers_a_query()
    {
        await using var dataSource = NpgsqlDataSource.Create(await servers.Postgres());
        await using var command = dataSource.CreateCommand("SELECT current_setting('server_version_num')::int");

        var version = (int)(await command.ExecuteScalarAsync())!;

        Assert.True(version >= 150000, $"PostgreSQL {version} is older than 15");
    }

    [Fact]
    public async Task Registry_speaks_the_distribution_api()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://{await servers.Registry()}/") };

        using var response = await http.GetAsync(new Uri("v2/", UriKind.Relative));

        Assert.True(response.IsSuccessStatusCode);
        Assert.Equal("registry/2.0", response.Headers.GetValues("Docker-Distribution-Api-Version").Single());
    }

    [Fact]
    public async Task Prometheus_is_ready_and_watches_the_targets_folder()
    {
        var prometheus = await servers.Prometheus();
        using var http = new HttpClient { BaseAddress = prometheus.BaseAddress };

        var config = await http.GetFromJsonAsync<JsonObject>(new Uri("/api/v1/status/config", UriKind.Relative));

        Assert.Equal("success", config!["status"]!.GetValue<string>());
        Assert.Contains("file_sd_configs", config["data"]!["yaml"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(Directory.Exists(prometheus.TargetsFolder), prometheus.TargetsFolder);
    }

    [Fact]
    public async Task Docker_engine_answers()
    {
        Assert.True(await DockerEngine.IsReachable(), $"no Docker engine answers at {DockerEngine.Endpoint}; scripts/services.sh starts one");
        using var http = DockerEngine.CreateHttpClient();
        var version = await http.GetFromJsonAsync<JsonObject>(new Uri("version", UriKind.Relative));
        Assert.False(string.IsNullOrEmpty(version!["ApiVersion"]?.GetValue<string>()));
    }

    [Theory]
    [InlineData("skopeo", "--version")]
    [InlineData("umoci", "--version")]
    public async Task Image_tool_is_installed(string tool, string versionFlag)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, versionFlag) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, $"{tool} {versionFlag} exited {process.ExitCode}");
        Assert.Contains(tool, output, StringComparison.OrdinalIgnoreCase);
    }
}
