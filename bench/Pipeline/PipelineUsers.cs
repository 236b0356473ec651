using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Bpdp.Bench.Pipeline;

/// <summary>
/// Users of one endpoint, 25 requests a second unless told otherwise, each answer timed and tagged with the version that gave
/// it. A refused connection, a timeout, a 502 or a 503 is a failure of the switch; a 500 is the policy's.
/// </summary>
internal sealed class PipelineUsers : IAsyncDisposable
{
    public static readonly object Ordinary = new { injuries = 1, severity = "minor", fatality = false, workers = 55, industry = "other", incidentOn = "2026-11-07" };

    /// <summary>An establishment with no permanent workforce: the case the faulty 1.0.1 divides by zero on.</summary>
    public static readonly object NoWorkforce = new { injuries = 1, severity = "minor", fatality = false, workers = 0, industry = "other", incidentOn = "2026-11-07" };

    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly CancellationTokenSource stop = new();
    private readonly Task running;
    private object incident = Ordinary;
    private long switchFailures;

    /// <param name="endpoint">The service called.</param>
    /// <param name="period">The time between two requests; 40 ms when not given.</param>
    /// <param name="noWorkforceEvery">When above 0, every so many requests is the <see cref="NoWorkforce"/> case instead.</param>
    public PipelineUsers(Uri endpoint, TimeSpan? period = null, int noWorkforceEvery = 0)
    {
        running = Run(endpoint, period ?? TimeSpan.FromMilliseconds(40), noWorkforceEvery);
    }

    public long SwitchFailures => Interlocked.Read(ref switchFailures);

    /// <summary>Every answer: when (stopwatch ticks), from which version, with which status.</summary>
    public ConcurrentQueue<(long At, string? Version, HttpStatusCode Status)> Answers { get; } = new();

    public void Send(object next) => Volatile.Write(ref incident, next);

    private async Task Run(Uri endpoint, TimeSpan period, int noWorkforceEvery)
    {
        using var timer = new PeriodicTimer(period);
        var sent = 0L;
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                try
                {
                    using var response = await http.PostAsJsonAsync(new Uri(endpoint, "v1/evaluate"),
                        noWorkforceEvery > 0 && ++sent % noWorkforceEvery == 0 ? NoWorkforce : Volatile.Read(ref incident), stop.Token);
                    var body = await response.Content.ReadAsStringAsync(stop.Token);
                    var version = response.IsSuccessStatusCode ? JsonNode.Parse(body)?["version"]?.GetValue<string>() : null;
                    Answers.Enqueue((Stopwatch.GetTimestamp(), version, response.StatusCode));
                    if (response.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout)
                    {
                        Interlocked.Increment(ref switchFailures);
                    }
                }
                catch (Exception error) when (error is HttpRequestException || (error is TaskCanceledException && !stop.IsCancellationRequested))
                {
                    Interlocked.Increment(ref switchFailures);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await running;
        http.Dispose();
        stop.Dispose();
    }
}
