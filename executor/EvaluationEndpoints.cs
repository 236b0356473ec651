using System.Diagnostics;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bpdp.Policy.Evaluation;
using Microsoft.Extensions.Options;

namespace Bpdp.Executor;

/// <summary>The executor's API: decide a case, describe the policy.</summary>
internal static class EvaluationEndpoints
{
    /// <summary>A member named twice is refused while parsing: which value counts would otherwise depend on the parser.</summary>
    private static readonly JsonDocumentOptions CaseJson = new() { AllowDuplicateProperties = false };

    public static void MapEvaluation(this WebApplication app)
    {
        app.MapPost("/v1/evaluate", Evaluate);
        app.MapPost("/v1/validate", Validate);
        app.MapGet("/v1/policy", Describe);
        app.MapGet("/v1/policy/source", (ServedPolicy state) => state.Source is { } source
            ? Results.Text(source, "application/yaml")
            : Json(new JsonObject { ["error"] = $"not ready: {state.Reason}" }, StatusCodes.Status503ServiceUnavailable));
    }

    private static async Task<IResult> Evaluate(HttpRequest request, ServedPolicy state, ExecutorMetrics metrics, IOptions<ExecutorOptions> options, ILoggerFactory logs)
    {
        var started = Stopwatch.GetTimestamp();
        var color = options.Value.Color;
        if (state.Policy is not { } policy || !state.IsReady)
        {
            metrics.Record("", "", color, ExecutorMetrics.Unavailable, Stopwatch.GetElapsedTime(started));
            return Json(new JsonObject { ["error"] = $"not ready: {state.Reason}" }, StatusCodes.Status503ServiceUnavailable);
        }

        var name = policy.Module.Metadata.Name;
        var version = policy.Module.Metadata.Version;
        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(request.Body, documentOptions: CaseJson, cancellationToken: request.HttpContext.RequestAborted);
        }
        catch (JsonException error)
        {
            metrics.Record(name, version, color, ExecutorMetrics.Invalid, Stopwatch.GetElapsedTime(started));
            return Json(Errors([new CaseError("$", $"the body is not JSON: {error.Message}")]), StatusCodes.Status400BadRequest);
        }
        catch (BadHttpRequestException error) when (error.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            metrics.Record(name, version, color, ExecutorMetrics.Invalid, Stopwatch.GetElapsedTime(started));
            return Json(Errors([new CaseError("$", $"the body is larger than {ExecutorOptions.MaxCaseBytes} bytes, the most a case may be")]), StatusCodes.Status413PayloadTooLarge);
        }

        var (input, errors) = policy.Cases.ValidateJson(body);
        if (input is null)
        {
            metrics.Record(name, version, color, ExecutorMetrics.Invalid, Stopwatch.GetElapsedTime(started));
            return Json(Errors(errors), StatusCodes.Status400BadRequest);
        }

        try
        {
            var decision = policy.Evaluate(input, options.Value.Evaluation);
            metrics.Record(name, version, color, ExecutorMetrics.Decided, Stopwatch.GetElapsedTime(started));
            return Json(new JsonObject
            {
                ["decision"] = Outcome(decision),
                ["rule"] = decision.Rule,
                ["policy"] = name,
                ["version"] = version,
            }, StatusCodes.Status200OK);
        }
        catch (EvaluationLimitExceededException error)
        {
            metrics.RecordLimit(name, version, color, error.LimitName, Stopwatch.GetElapsedTime(started));
            logs.CreateLogger("Bpdp.Executor.Evaluation").LogWarning("Evaluation refused: {Error}", error.Message);
            return Problem(new JsonObject
            {
                ["title"] = "The case could not be decided within the evaluation limits",
                ["status"] = StatusCodes.Status422UnprocessableEntity,
                ["detail"] = error.Message,
                ["limit"] = error.LimitName,
                ["rule"] = error.RuleId,
            });
        }
        catch (PolicyEvaluationException error)
        {
            metrics.Record(name, version, color, ExecutorMetrics.Error, Stopwatch.GetElapsedTime(started));
            logs.CreateLogger("Bpdp.Executor.Evaluation").LogWarning("Evaluation failed: {Error}", error.Message);
            return Json(new JsonObject { ["error"] = error.Message, ["rule"] = error.RuleId }, StatusCodes.Status500InternalServerError);
        }
    }

    /// <summary>
    /// Checks a case against the policy's inputs without deciding it: the same body read, parsed and validated as
    /// <c>/v1/evaluate</c> does, so an agency can test its case shapes, and the benchmark can tell the decision's cost
    /// from the request's.
    /// </summary>
    private static async Task<IResult> Validate(HttpRequest request, ServedPolicy state)
    {
        if (state.Policy is not { } policy || !state.IsReady)
        {
            return Json(new JsonObject { ["error"] = $"not ready: {state.Reason}" }, StatusCodes.Status503ServiceUnavailable);
        }

        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(request.Body, documentOptions: CaseJson, cancellationToken: request.HttpContext.RequestAborted);
        }
        catch (JsonException error)
        {
            return Json(Errors([new CaseError("$", $"the body is not JSON: {error.Message}")]), StatusCodes.Status400BadRequest);
        }
        catch (BadHttpRequestException error) when (error.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Json(Errors([new CaseError("$", $"the body is larger than {ExecutorOptions.MaxCaseBytes} bytes, the most a case may be")]), StatusCodes.Status413PayloadTooLarge);
        }

        var (input, errors) = policy.Cases.ValidateJson(body);
        return input is null
            ? Json(Errors(errors), StatusCodes.Status400BadRequest)
            : Json(new JsonObject { ["valid"] = true, ["policy"] = policy.Module.Metadata.Name, ["version"] = policy.Module.Metadata.Version }, StatusCodes.Status200OK);
    }

    private static IResult Describe(ServedPolicy state)
    {
        if (state.Policy is not { } policy)
        {
            return Json(new JsonObject { ["error"] = $"not ready: {state.Reason}" }, StatusCodes.Status503ServiceUnavailable);
        }

        var metadata = policy.Module.Metadata;
        return Json(new JsonObject
        {
            ["name"] = metadata.Name,
            ["version"] = metadata.Version,
            ["agency"] = metadata.Agency,
            ["title"] = metadata.Title,
            ["description"] = metadata.Description,
            ["sha256"] = policy.Sha256,
            ["rules"] = new JsonArray([.. policy.Module.Rules.Select(r => JsonValue.Create(r.Id))]),
        }, StatusCodes.Status200OK);
    }

    private static JsonObject Outcome(Decision decision)
    {
        var outcome = new JsonObject();
        foreach (var (field, value) in decision.Outcome.Fields)
        {
            outcome[field] = value switch
            {
                long whole => JsonValue.Create(whole),
                double real => JsonValue.Create(real),
                bool flag => JsonValue.Create(flag),
                _ => JsonValue.Create(value.ToString()),
            };
        }

        return outcome;
    }

    private static JsonObject Errors(IEnumerable<CaseError> errors) => new()
    {
        ["errors"] = new JsonArray([.. errors.Select(e => new JsonObject { ["field"] = e.Field, ["message"] = e.Message })]),
    };

    /// <summary>An RFC 9457 problem body (its <c>type</c> left to the default, <c>about:blank</c>).</summary>
    private static IResult Problem(JsonObject problem) =>
        Results.Text(problem.ToJsonString(Readable), "application/problem+json", statusCode: problem["status"]!.GetValue<int>());

    private static IResult Json(JsonNode body, int status) => Results.Text(body.ToJsonString(Readable), "application/json", statusCode: status);

    // Bodies are JSON for API clients, never HTML: quotes and apostrophes need no escaping.
    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
