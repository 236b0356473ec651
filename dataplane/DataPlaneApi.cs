using Bpdp.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Bpdp.DataPlane;

/// <summary>The data plane's control API, served on its Unix socket (only its owner may connect): what <see cref="DataPlaneClient"/> calls.</summary>
public static class DataPlaneApi
{
    private const string Slot = "/v1/slots/{agency}/{environment}/{policy}";

    public static IEndpointRouteBuilder MapDataPlaneApi(this IEndpointRouteBuilder routes, HostDataPlane plane, Action stop)
    {
        ArgumentNullException.ThrowIfNull(plane);
        routes.MapGet("/healthz", () => Results.Ok(new { status = "serving", processId = Environment.ProcessId }));
        routes.MapGet("/v1/slots", (CancellationToken cancel) => plane.Slots(cancel));
        routes.MapPut(Slot, (string agency, string environment, string policy, CancellationToken cancel) => plane.Open(new SlotKey(agency, environment, policy), cancel));
        routes.MapPut(Slot + "/executors/{color}", (string agency, string environment, string policy, Color color, ExecutorSpec spec, CancellationToken cancel) =>
            plane.Run(new SlotKey(agency, environment, policy), color, spec, cancel));
        routes.MapDelete(Slot + "/executors/{color}", async (string agency, string environment, string policy, Color color, CancellationToken cancel) =>
        {
            await plane.Stop(new SlotKey(agency, environment, policy), color, cancel);
            return Results.NoContent();
        });
        routes.MapPut(Slot + "/routes", (string agency, string environment, string policy, SlotRoutes routes, CancellationToken cancel) =>
            plane.Route(new SlotKey(agency, environment, policy), routes, cancel));
        routes.MapPost("/v1/stop", async () =>
        {
            await plane.StopAll();
            stop();
            return Results.NoContent();
        });
        return routes;
    }
}
