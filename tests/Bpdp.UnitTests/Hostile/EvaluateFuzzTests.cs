using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Bpdp.UnitTests.Executor;
using Bpdp.UnitTests.Policy;

namespace Bpdp.UnitTests.Hostile;

/// <summary>
/// Generated hostile <c>POST /v1/evaluate</c> bodies against a served executor over real HTTP: every one is answered with a
/// 4xx naming what is wrong (never a 5xx, never a decision), and a valid case is then decided.
/// </summary>
public sealed class EvaluateFuzzTests
{
    private static readonly JsonObject Valid =
        JsonNode.Parse("""{"injuries": 1, "severity": "minor", "fatality": false, "workers": 55, "industry": "other", "incidentOn": "2026-11-07"}""")!.AsObject();

    [Fact]
    public async Task Generated_hostile_cases_each_get_a_4xx_with_a_reason_and_a_valid_case_is_then_decided()
    {
        await using var executor = await Serve();
        var mutator = new Mutator(20261203);
        var statuses = new Dictionary<HttpStatusCode, int>();
        for (var i = 0; i < Campaign.EvaluateRequests; i++)
        {
            var (content, what) = Hostile(mutator, i);

            using var response = await executor.Http.PostAsync("/v1/evaluate", content).WaitAsync(Campaign.Bound);
            var answer = await response.Content.ReadAsStringAsync();

            Assert.True((int)response.StatusCode is >= 400 and < 500, $"case {i} ({what}) got {(int)response.StatusCode}: {answer}");
            Assert.True(Reason(answer).Length > 0, $"case {i} ({what}) got {(int)response.StatusCode} without a reason: {answer}");
            statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
        }

        using var valid = await executor.Http.PostAsync("/v1/evaluate", Json(Valid.ToJsonString()));
        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        Assert.Equal(Campaign.EvaluateRequests, statuses.Values.Sum());
        Assert.Equal("400 1950, 413 50", string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{(int)s.Key} {s.Value}")));
    }

    [Fact]
    public async Task A_duplicated_member_is_a_400_naming_it_and_an_oversize_case_a_413_naming_the_limit()
    {
        await using var executor = await Serve();

        using var duplicated = await executor.Http.PostAsync("/v1/evaluate", Json(Valid.ToJsonString().Replace("\"workers\":55", "\"workers\":55,\"workers\":5", StringComparison.Ordinal)));
        using var oversize = await executor.Http.PostAsync("/v1/evaluate", Json($"{{\"s\": \"{new string('a', 70 * 1024)}\"}}"));

        Assert.Equal(HttpStatusCode.BadRequest, duplicated.StatusCode);
        Assert.Contains("'workers'", Reason(await duplicated.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, oversize.StatusCode);
        Assert.Equal("the body is larger than 65536 bytes, the most a case may be", Reason(await oversize.Content.ReadAsStringAsync()));
    }

    private static (HttpContent Content, string What) Hostile(Mutator mutator, int i)
    {
        if (i % 10 == 9)
        {
            return (i % 20) switch
            {
                9 => (Json(JsonNode.Parse($"[{Valid.ToJsonString()}]")!.ToJsonString()), "an array"),
                _ => (i % 40) switch
                {
                    19 => (Json($"{{\"s\": \"{new string('a', 70 * 1024)}\"}}"), "over 64 KiB"),
                    39 => (Json(""), "empty"),
                    _ => (new StringContent(Valid.ToJsonString(), Encoding.UTF8, "text/plain"), "not JSON content"),
                },
            };
        }

        if (i % 10 == 8)
        {
            var extra = Valid.DeepClone().AsObject();
            extra[$"x{mutator.Random.Next(1000)}"] = mutator.Text(10);
            return (Json(extra.ToJsonString()), "an unknown field");
        }

        var (json, what) = mutator.BrokenMember(Valid, [.. Valid.Select(p => p.Key)]);
        return (Json(json), what);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    /// <summary>The reason an answer gives: a problem's detail or the first error's message.</summary>
    private static string Reason(string answer)
    {
        try
        {
            var node = JsonNode.Parse(answer);
            return node?["detail"]?.GetValue<string>() ?? node?["errors"]?[0]?["message"]?.GetValue<string>() ?? node?["error"]?.GetValue<string>() ?? "";
        }
        catch (System.Text.Json.JsonException)
        {
            return "";
        }
    }

    private static Task<ServedExecutor> Serve() => ServedExecutor.Start(PolicyExamples.HazFast("1.0.0"));
}
