using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Bpdp.Testing.Kubernetes;

/// <summary>
/// Serves one watch as kube-apiserver does: headers at once, then one JSON line per change
/// (<c>{"type":…,"object":…}</c>), flushed as it happens, until <c>timeoutSeconds</c> pass, the client goes, or the
/// server closes it.
/// </summary>
internal static class WatchStream
{
    public static async Task Serve(HttpResponse response, WatchSubscription subscription, Selector selector, TimeSpan? timeout, CancellationToken ending)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        await response.Body.FlushAsync(ending);
        using var open = CancellationTokenSource.CreateLinkedTokenSource(ending);
        if (timeout is { } limit)
        {
            open.CancelAfter(limit);
        }

        try
        {
            await foreach (var change in subscription.Events.ReadAllAsync(open.Token))
            {
                if (TypeSeenThrough(selector, change) is { } type)
                {
                    var line = ApiJson.Write(new JsonObject { ["type"] = type, ["object"] = change.Object.DeepClone() }) + "\n";
                    await response.Body.WriteAsync(Encoding.UTF8.GetBytes(line), open.Token);
                    await response.Body.FlushAsync(open.Token);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// How a change looks through a selector: an object that starts matching is ADDED, one that stops matching is
    /// DELETED, one that matches before and after is MODIFIED, and one that never matches is not sent.
    /// </summary>
    private static string? TypeSeenThrough(Selector selector, StoredEvent change)
    {
        var before = change.Previous is not null && selector.Matches(change.Previous);
        var after = change.Type != "DELETED" && selector.Matches(change.Object);
        return change.Type switch
        {
            "DELETED" => before ? "DELETED" : null,
            "ADDED" => after ? "ADDED" : null,
            _ => (before, after) switch
            {
                (true, true) => "MODIFIED",
                (false, true) => "ADDED",
                (true, false) => "DELETED",
                _ => null,
            },
        };
    }
}
