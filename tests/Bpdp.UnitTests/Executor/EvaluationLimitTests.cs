using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Bpdp.Policy.Evaluation;
using Bpdp.Policy.Parsing;
using Bpdp.UnitTests.Policy;

namespace Bpdp.UnitTests.Executor;

/// <summary>
/// Anyone who reaches the executor can send a 64 KiB string: it answers such a case with a decision
/// or with a problem naming the limit it broke, counts the latter, and keeps answering.
/// </summary>
public sealed class EvaluationLimitTests
{
    private static readonly string LongText = new string('a', 64 * 1024 - 10) + "!";

    [Fact]
    public async Task A_64_KiB_text_over_the_step_budget_gets_a_422_problem_naming_the_limit_and_is_counted()
    {
        await using var executor = await Serve(HostilePolicies.Module("input.s.exists(c, c == 'b')", "x"));

        using var response = await executor.Http.PostAsync("/v1/evaluate", LongCase());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal(422, problem["status"]!.GetValue<int>());
        Assert.Equal("steps", problem["limit"]!.GetValue<string>());
        Assert.Equal("r", problem["rule"]!.GetValue<string>());
        Assert.Contains($"{PolicyLimits.MaxEvaluationSteps:N0} comprehension steps", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        var metrics = await executor.Http.GetStringAsync("/metrics");
        Assert.Contains("""bpdp_policy_evaluation_limit_exceeded_total{policy="hostile",version="1.0.0",color="green",limit="steps"} 1""", metrics, StringComparison.Ordinal);
        Assert.Contains("""bpdp_policy_requests_total{policy="hostile",version="1.0.0",color="green",outcome="limit"} 1""", metrics, StringComparison.Ordinal);

        using var next = await executor.Http.PostAsJsonAsync("/v1/evaluate", new { s = "ab" });
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task A_64_KiB_text_against_a_catastrophic_pattern_is_decided()
    {
        await using var executor = await Serve(HostilePolicies.Module("input.s.matches('^(a+)+$')", "aaa!"));

        using var response = await executor.Http.PostAsync("/v1/evaluate", LongCase());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("default", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["rule"]!.GetValue<string>());
    }

    /// <summary>A case of exactly 64 KiB, the largest body the executor reads.</summary>
    private static StringContent LongCase()
    {
        var body = $$"""{"s": "{{LongText}}"}""";
        Assert.Equal(64 * 1024, System.Text.Encoding.UTF8.GetByteCount(body));
        return new StringContent(body, System.Text.Encoding.UTF8, "application/json");
    }

    // The step budget of the defaults, with time enough that a loaded machine still meets the steps first.
    private static readonly EvaluationBudget StepsFirst = EvaluationBudget.Default with { Timeout = TimeSpan.FromMinutes(1) };

    private static Task<ServedExecutor> Serve(string yaml) => ServedExecutor.Start(yaml, options => options.Evaluation = StepsFirst);
}
