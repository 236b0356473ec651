using Bpdp.Notifier.Store;

namespace Bpdp.Notifier.Api;

/// <summary>
/// <c>GET /v1/notifications?status=&amp;deployment=&amp;limit=</c>: what was notified and what could not be, newest first —
/// sinks by name, never their addresses or secrets.
/// </summary>
public static class NotifierEndpoints
{
    public static IEndpointRouteBuilder MapNotifierEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/v1/notifications", async (NotificationStatus? status, Guid? deployment, int? limit, NotifierSwitch notifier, IServiceProvider services,
            CancellationToken cancel) =>
        {
            if (!notifier.Enabled)
            {
                return Results.Ok(new NotificationList(false, []));
            }

            if (limit is < 1 or > 1000)
            {
                return Results.BadRequest(new { error = "limit must be between 1 and 1000" });
            }

            var store = services.GetRequiredService<INotificationStore>();
            return Results.Ok(new NotificationList(true, await store.List(status, deployment, limit ?? 100, cancel)));
        });
        return app;
    }

    /// <param name="Enabled">False when no route is configured (<c>Notifier:Routes</c>): nothing is notified.</param>
    /// <param name="Notifications">The notifications, newest first.</param>
    public sealed record NotificationList(bool Enabled, IReadOnlyList<NotificationState> Notifications);
}
