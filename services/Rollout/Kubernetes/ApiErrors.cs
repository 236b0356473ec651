using System.Net;
using k8s.Autorest;

namespace Bpdp.Rollout.Kubernetes;

/// <summary>The API server's answers that a step expects and handles; every other error reaches MassTransit's retry.</summary>
internal static class ApiErrors
{
    public static bool IsNotFound(this Exception error) => error is HttpOperationException { Response.StatusCode: HttpStatusCode.NotFound };

    public static bool IsConflict(this Exception error) => error is HttpOperationException { Response.StatusCode: HttpStatusCode.Conflict };

    /// <summary>The object, or null when the API server answers 404 Not Found.</summary>
    public static async Task<T?> OrNullWhenNotFound<T>(this Task<T> read)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(read);
        try
        {
            return await read;
        }
        catch (HttpOperationException error) when (error.IsNotFound())
        {
            return null;
        }
    }

    /// <summary>A delete of something already gone has done its work: 404 Not Found is success.</summary>
    public static async Task IgnoreNotFound<T>(this Task<T> delete)
    {
        ArgumentNullException.ThrowIfNull(delete);
        try
        {
            await delete;
        }
        catch (HttpOperationException error) when (error.IsNotFound())
        {
        }
    }
}
