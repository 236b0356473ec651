using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Bpdp.Policy;
using Bpdp.Policy.Model;
using Bpdp.Testing;

namespace Bpdp.IntegrationTests.Executor;

/// <summary>The executor over real HTTP: decisions, the metrics the KPI gate reads, and readiness.</summary>
public sealed class ExecutorTests
{
    private static string Example(string version) => Path.Combine(RepositoryRoot.Path, "examples", "haz-fast", $"v{version}.yaml");

    [Theory]
    [InlineData("1.0.0")]
    [InlineData("1.1.0")]
    public async Task Samples_get_their_expected_decisions_and_the_metrics_count_them(string version)
    {
        var module = PolicyValidator.Validate(await File.ReadAllTextAsync(Example(version))).Policy!.Module;
        await using var executor = await RunningExecutor.Start(Example(version));
        await WaitUntilReady(executor);
        // Before any request the error series exists at 0, so the first error is an increase a rate() can see.
        Assert.Equal(0, Sample(await executor.Http.GetStringAsync("/metrics"), $"bpdp_policy_requests_total{{policy=\"haz-fast\",version=\"{version}\",color=\"green\",outcome=\"error\"}}"));

        foreach (var sample in module.Samples)
        {
            using var response = await executor.Http.PostAsJsonAsync("/v1/evaluate", ToJson(sample));
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(version, body["version"]!.GetValue<string>());
            Assert.True(sample.Expect.Matches(FromJson(body["decision"]!.AsObject())), $"{sample.Name}: got {body["decision"]}");
        }

        using var invalid = await executor.Http.PostAsJsonAsync("/v1/evaluate", new { injuries = "many" });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("injuries", await invalid.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var metrics = await executor.Http.GetStringAsync("/metrics");
        Assert.Equal(module.Samples.Count, Sample(metrics, $"bpdp_policy_requests_total{{policy=\"haz-fast\",version=\"{version}\",color=\"green\",outcome=\"decided\"}}"));
        Assert.Equal(1, Sample(metrics, $"bpdp_policy_requests_total{{policy=\"haz-fast\",version=\"{version}\",color=\"green\",outcome=\"invalid\"}}"));
        Assert.Equal(module.Samples.Count + 1, Sample(metrics, $"bpdp_policy_request_duration_seconds_count{{policy=\"haz-fast\",version=\"{version}\",color=\"green\"}}"));
        Assert.Equal(module.Samples.Count + 1, Sample(metrics, $"bpdp_policy_request_duration_seconds_bucket{{policy=\"haz-fast\",version=\"{version}\",color=\"green\",le=\"+Inf\"}}"));
    }

    [Fact]
    public async Task Validate_checks_a_case_against_the_inputs_without_deciding_it_or_counting_a_request()
    {
        await using var executor = await RunningExecutor.Start(Example("1.0.1"));
        await WaitUntilReady(executor);

        // The faulty policy cannot decide this case (500 from /v1/evaluate); its shape is valid all the same.
        using var valid = await executor.Http.PostAsJsonAsync("/v1/validate",
            new { injuries = 1, severity = "minor", fatality = false, workers = 0, industry = "other", incidentOn = "2026-11-01" });
        using var invalid = await executor.Http.PostAsJsonAsync("/v1/validate", new { injuries = "many" });

        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        Assert.Equal("""{"valid":true,"policy":"haz-fast","version":"1.0.1"}""", await valid.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("injuries", await invalid.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var metrics = await executor.Http.GetStringAsync("/metrics");
        // The wait-time histogram exists from the start (at 0); validating adds nothing to it.
        Assert.Equal(0, Sample(metrics, "bpdp_policy_request_duration_seconds_count{policy=\"haz-fast\",version=\"1.0.1\",color=\"green\"}"));
        Assert.Equal(0, Sample(metrics, "bpdp_policy_requests_total{policy=\"haz-fast\",version=\"1.0.1\",color=\"green\",outcome=\"error\"}"));
    }

    [Fact]
    public async Task Faulty_policy_answers_500_for_a_case_its_condition_cannot_decide_and_counts_an_error()
    {
        await using var executor = await RunningExecutor.Start(Example("1.0.1"));
        await WaitUntilReady(executor);

        using var response = await executor.Http.PostAsJsonAsync("/v1/evaluate",
            new { injuries = 1, severity = "minor", fatality = false, workers = 0, industry = "other", incidentOn = "2026-11-01" });

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("high-injury-rate", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, Sample(await executor.Http.GetStringAsync("/metrics"), "bpdp_policy_requests_total{policy=\"haz-fast\",version=\"1.0.1\",color=\"green\",outcome=\"error\"}"));
    }

    [Fact]
    public async Task Not_ready_until_the_policy_file_appears_and_compiles()
    {
        var folder = Directory.CreateTempSubdirectory("bpdp-executor-").FullName;
        var path = Path.Combine(folder, "policy.yaml");
        await using var executor = await RunningExecutor.Start(path);

        using var before = await executor.Http.GetAsync("/readyz");
        using var evaluateBefore = await executor.Http.PostAsJsonAsync("/v1/evaluate", new { });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, before.StatusCode);
        Assert.Contains(path, await before.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, evaluateBefore.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await executor.Http.GetAsync("/healthz")).StatusCode);

        File.Copy(Example("1.0.0"), path);

        await WaitUntilReady(executor);
        var policy = await executor.Http.GetFromJsonAsync<JsonObject>("/v1/policy");
        Assert.Equal("1.0.0", policy!["version"]!.GetValue<string>());
        Assert.Equal(PolicyValidator.Validate(await File.ReadAllTextAsync(path)).Policy!.Sha256, policy["sha256"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_invalid_policy_keeps_it_unready_with_every_error()
    {
        var invalid = Path.Combine(RepositoryRoot.Path, "examples", "invalid", "bad-metadata.yaml");
        await using var executor = await RunningExecutor.Start(invalid);

        JsonObject? body = null;
        await Eventually.Holds(async () =>
        {
            using var response = await executor.Http.GetAsync("/readyz");
            body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
            return body["errors"]!.AsArray().Count > 0;
        }, "the executor reports the policy's errors");

        Assert.False(body!["ready"]!.GetValue<bool>());
        Assert.Equal(3, body["errors"]!.AsArray().Count);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await executor.Http.GetAsync("/readyz")).StatusCode);
    }

    [Fact]
    public async Task The_executor_process_says_why_an_invalid_policy_is_not_served()
    {
        var invalid = Path.Combine(RepositoryRoot.Path, "examples", "invalid", "type-error.yaml");
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "bpdp-executor.dll"), "--urls", "http://127.0.0.1:0"])
        {
            RedirectStandardOutput = true,
            Environment = { ["BPDP_POLICY"] = invalid },
        };
        using var process = Process.Start(start)!;
        try
        {
            string? line;
            do
            {
                line = await Eventually.Within(process.StandardOutput.ReadLineAsync(), "the executor's log line about the policy");
            }
            while (line is not null && !line.Contains("Policy invalid", StringComparison.Ordinal));

            Assert.NotNull(line);
            Assert.Contains($"{invalid}:49:13: The condition of rule 'multi-injury' has a type error", line, StringComparison.Ordinal);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static Task WaitUntilReady(RunningExecutor executor) =>
        Eventually.Holds(async () => (await executor.Http.GetAsync("/readyz")).IsSuccessStatusCode, "the executor is ready");

    private static JsonObject ToJson(PolicySample sample)
    {
        var json = new JsonObject();
        foreach (var (name, value) in sample.Input)
        {
            json[name] = value switch
            {
                long whole => JsonValue.Create(whole),
                double real => JsonValue.Create(real),
                bool flag => JsonValue.Create(flag),
                _ => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
            };
        }

        return json;
    }

    private static Outcome FromJson(JsonObject decision) => new(decision.ToDictionary(
        p => p.Key,
        p => p.Value!.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.Number => p.Value.GetValue<double>() is var d && d == Math.Floor(d) ? (object)(long)d : d,
            System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => p.Value.GetValue<bool>(),
            _ => p.Value.GetValue<string>(),
        }));

    private static double Sample(string metrics, string series)
    {
        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        Assert.True(line is not null, $"{series} is not in /metrics");
        return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
    }
}
