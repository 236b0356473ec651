using System.Text.Json.Nodes;

namespace Bpdp.Executor;

/// <summary><c>/healthz</c>: the process is alive. <c>/readyz</c>: the policy compiled and traffic may come.</summary>
internal static class HealthEndpoints
{
    public static void MapHealth(this WebApplication app)
    {
        app.MapGet("/healthz", () => Results.Text("""{"status":"alive"}""", "application/json"));
        app.MapGet("/readyz", (ServedPolicy state) =>
        {
            var body = new JsonObject
            {
                ["ready"] = state.IsReady,
                ["reason"] = state.Reason,
                ["errors"] = new JsonArray([.. state.Errors.Select(e => JsonValue.Create($"{e.Line}:{e.Column}: {e.Message}"))]),
            };
            return Results.Text(body.ToJsonString(), "application/json", statusCode: state.IsReady ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
    }
}
