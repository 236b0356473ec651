using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bpdp.Testing;

/// <summary>
/// A real HTTP server on a free local port that records every request it receives and answers as told: the next
/// statuses in <see cref="Answers"/> (then 200), or — while <see cref="Hang"/> is set — not at all until released.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly TaskCompletionSource release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WebhookReceiver(WebApplication app) => this.app = app;

    /// <summary>Every request, in the order it arrived; a hanging request is recorded before it hangs.</summary>
    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    /// <summary>Statuses to answer with, one per request, before answering 200.</summary>
    public ConcurrentQueue<int> Answers { get; } = new();

    /// <summary>While true, requests get no answer until <see cref="Release"/>.</summary>
    public bool Hang { get; set; }

    /// <summary>Requests that are waiting for an answer now.</summary>
    public int Hanging => hanging;

    private int hanging;

    public Uri Address => new(app.Urls.First());

    public static async Task<WebhookReceiver> Start()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{**path}", (Delegate)receiver.Receive);
        await app.StartAsync();
        return receiver;
    }

    /// <summary>Answers every hanging request, and every later one, with 200.</summary>
    public void Release()
    {
        Hang = false;
        release.TrySetResult();
    }

    private async Task<IResult> Receive(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        Requests.Enqueue(new ReceivedRequest(context.Request.Path, headers, body.ToArray()));
        if (Hang)
        {
            Interlocked.Increment(ref hanging);
            try
            {
                await release.Task.WaitAsync(context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return Results.Empty;
            }
            finally
            {
                Interlocked.Decrement(ref hanging);
            }
        }

        return Answers.TryDequeue(out var status) ? Results.StatusCode(status) : Results.Ok();
    }

    public async ValueTask DisposeAsync()
    {
        release.TrySetResult();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

/// <summary>One request a <see cref="WebhookReceiver"/> received.</summary>
public sealed record ReceivedRequest(string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Body);
}
