using Bpdp.Notifier.Sinks;
using Bpdp.Notifier.Store;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Bpdp.Notifier.Delivery;

/// <summary>
/// Delivers from the store: claims due notifications, makes one attempt each (at most <c>MaxConcurrentDeliveries</c> at
/// once, each bounded by <c>TimeoutSeconds</c>), and writes down the outcome — delivered, retry after a doubling wait,
/// or undeliverable after <c>Attempts</c> (then copied to <c>&lt;queue&gt;_error</c>). No broker delivery is held while a
/// sink is slow: the consumers only write notifications down, so a sink that is down never holds up the pipeline.
/// </summary>
public sealed class NotificationDispatcher(INotificationStore store, SinkSet sinks, IBus bus, IOptions<NotifierOptions> options, TimeProvider time,
    ILogger<NotificationDispatcher> logger) : BackgroundService
{
    private readonly SemaphoreSlim wake = new(0);
    private readonly string owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Looks for work now rather than at the next poll: a consumer has just written notifications.</summary>
    public void Wake() => wake.Release();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var lease = TimeSpan.FromSeconds(settings.TimeoutSeconds * 2 + 30);
        var attempts = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            attempts.RemoveAll(t => t.IsCompleted);
            var room = settings.MaxConcurrentDeliveries - attempts.Count;
            try
            {
                if (room > 0)
                {
                    foreach (var held in await store.Claim(owner, time.GetUtcNow(), lease, room, stoppingToken))
                    {
                        attempts.Add(Attempt(held, stoppingToken));
                    }
                }
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                logger.LogWarning("The notification store could not be read ({Error}); trying again in {Poll} ms", error.Message, settings.PollMilliseconds);
            }

            try
            {
                await wake.WaitAsync(TimeSpan.FromMilliseconds(settings.PollMilliseconds), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await Task.WhenAll(attempts).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task Attempt(HeldNotification held, CancellationToken stopping)
    {
        var notification = held.Notification;
        var attempt = held.Attempts + 1;
        string error;
        try
        {
            var sink = sinks.Named(notification.Sink) ?? throw new SinkFailure($"sink '{notification.Sink}' is no longer configured (Notifier:Sinks)");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.TimeoutSeconds));
            try
            {
                await sink.Deliver(notification, timeout.Token);
            }
            catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
            {
                throw new SinkFailure($"sink '{notification.Sink}' did not answer within {options.Value.TimeoutSeconds} s");
            }

            await Record(() => store.Delivered(notification.Id, owner, time.GetUtcNow(), CancellationToken.None));
            NotifierMetrics.Attempts.WithLabels(notification.Sink, "delivered").Inc();
            logger.LogInformation("Notified {Sink} ({Route}) of {Trigger} for deployment {DeploymentId} at attempt {Attempt}",
                notification.Sink, notification.Route, notification.Trigger, notification.DeploymentId, attempt);
            return;
        }
        catch (SinkFailure failure)
        {
            error = failure.Message;
        }
        catch (OperationCanceledException)
        {
            // Stopping: the lease lapses and this or another replica attempts it again.
            return;
        }
        catch (Exception unexpected)
        {
            error = $"sink '{notification.Sink}' failed ({unexpected.GetType().Name})";
            logger.LogError(unexpected, "Delivering notification {NotificationId} to {Sink} failed unexpectedly", notification.Id, notification.Sink);
        }

        var now = time.GetUtcNow();
        var settings = options.Value;
        if (attempt < settings.Attempts)
        {
            var wait = Backoff.After(attempt, TimeSpan.FromSeconds(settings.FirstRetrySeconds), TimeSpan.FromSeconds(settings.MaxRetrySeconds));
            await Record(() => store.Failed(notification.Id, owner, attempt, error, now + wait, now, CancellationToken.None));
            NotifierMetrics.Attempts.WithLabels(notification.Sink, "failed").Inc();
            logger.LogWarning("Notification {NotificationId} of {Trigger} for deployment {DeploymentId}: attempt {Attempt} of {Attempts} failed: {Error}; next in {Wait} s",
                notification.Id, notification.Trigger, notification.DeploymentId, attempt, settings.Attempts, error, wait.TotalSeconds);
            return;
        }

        // The copy goes to the error queue before the row says undeliverable: a crash between the two repeats the copy (same
        // message id), never loses it.
        await Record(async () =>
        {
            var errors = await bus.GetSendEndpoint(new Uri($"queue:{settings.Queue}_error"));
            await errors.Send(new UndeliverableNotification(notification.Id, notification.DeploymentId, notification.Trigger, notification.Route, notification.Sink,
                notification.Title, attempt, error, now), context =>
            {
                context.MessageId = notification.Id;
                context.Headers.Set("MT-Reason", "undeliverable");
                context.Headers.Set("MT-Fault-Message", error);
            });
            await store.Failed(notification.Id, owner, attempt, error, null, now, CancellationToken.None);
        });
        NotifierMetrics.Attempts.WithLabels(notification.Sink, "undeliverable").Inc();
        logger.LogError("Notification {NotificationId} of {Trigger} for deployment {DeploymentId} to {Sink} is undeliverable after {Attempts} attempts: {Error}",
            notification.Id, notification.Trigger, notification.DeploymentId, notification.Sink, attempt, error);
    }

    private async Task Record(Func<Task> write)
    {
        try
        {
            await write();
        }
        catch (Exception error)
        {
            // The lease lapses and the notification is attempted again: at least once, never lost.
            logger.LogWarning("Recording a notification's attempt failed ({Error}); it will be attempted again when its lease lapses", error.Message);
        }
    }
}
