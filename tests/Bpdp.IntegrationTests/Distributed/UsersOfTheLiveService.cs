using System.Net.Http.Json;
using Bpdp.Contracts;
using Bpdp.Testing;
using MassTransit;

namespace Bpdp.IntegrationTests.Distributed;

/// <summary>
/// Users calling the live service from the moment traffic moves to it, so the post-promotion gate has traffic to judge.
/// The consumer <c>consumer</c> of the sink must record <see cref="TrafficCutOver"/>.
/// </summary>
internal sealed class UsersOfTheLiveService : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly Task load;
    private bool stopped;

    public UsersOfTheLiveService(MessageSink sink, string consumer, Func<TrafficCutOver, bool> cutOverOf) => load = Task.Run(async () =>
    {
        ConsumeContext<TrafficCutOver> cutOver;
        try
        {
            cutOver = await sink.WaitFor<TrafficCutOver>(consumer, cutOverOf, TimeSpan.FromSeconds(180));
        }
        catch (TimeoutException)
        {
            // Traffic never moved: the test's own assertions say why; there is nobody to call.
            return;
        }

        using var http = new HttpClient();
        while (!stop.IsCancellationRequested)
        {
            using var answer = await http.PostAsJsonAsync(new Uri(new Uri(cutOver.Message.LiveEndpoint!), "v1/evaluate"),
                new { injuries = 1, severity = "minor", fatality = false, workers = 55, industry = "other", incidentOn = "2026-11-07" });
            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }
    });

    /// <summary>Stops the users and waits for the last request; a second call does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (stopped)
        {
            return;
        }

        stopped = true;
        await stop.CancelAsync();
        try
        {
            await load;
        }
        finally
        {
            stop.Dispose();
        }
    }
}
