using Microsoft.AspNetCore.Http;

namespace Bpdp.DataPlane;

/// <summary>A command that fails answers with its reason: 422 for one that can never succeed as asked, 500 for one worth retrying.</summary>
public static class DataPlaneErrors
{
    public static async Task Handle(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            await next(context);
        }
        catch (Exception error) when (!context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted)
        {
            context.Response.StatusCode = error is FileNotFoundException or InvalidDataException or ArgumentException
                ? StatusCodes.Status422UnprocessableEntity
                : StatusCodes.Status500InternalServerError;
            await context.Response.WriteAsJsonAsync(new { error = error.Message });
        }
    }
}
