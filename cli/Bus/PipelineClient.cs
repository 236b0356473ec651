using Bpdp.Contracts;
using Bpdp.Platform.Bus;
using Bpdp.Platform.Bus.Identity;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bpdp.Cli.Bus;

/// <summary>
/// The CLI's connection to a running pipeline: a bus client (no consumers) configured as the services are —
/// <c>appsettings.json</c> in the current folder, then <c>BPDP_</c>-less environment variables such as
/// <c>RabbitMq__Host</c> — that publishes commands, asks the Coordinator for a deployment's status and the Rollout
/// what serves its target.
/// </summary>
public sealed class PipelineClient : IAsyncDisposable
{
    private readonly IHost host;

    private PipelineClient(IHost host) => this.host = host;

    /// <param name="coordinatorQueue">The Coordinator's queue, whose status exchange answers <see cref="Status"/>.</param>
    /// <param name="cancel">Stops connecting.</param>
    /// <param name="rolloutQueue">The Rollout's queue, whose serving exchange answers <see cref="Serving"/>.</param>
    public static async Task<PipelineClient> Connect(string coordinatorQueue, CancellationToken cancel, string rolloutQueue = "rollout")
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddJsonFile(Path.Combine(Environment.CurrentDirectory, "appsettings.json"), optional: true);
        builder.Logging.ClearProviders();
        builder.AddBpdpBus(bus =>
        {
            bus.AddRequestClient<GetDeploymentStatus>(new Uri($"exchange:{StageQueues.StatusExchange(coordinatorQueue)}"), RequestTimeout.After(s: 10));
            bus.AddRequestClient<GetServing>(new Uri($"exchange:{StageQueues.ServingExchange(rolloutQueue)}"), RequestTimeout.After(s: 10));
        });
        var host = builder.Build();
        await host.StartAsync(cancel);
        return new PipelineClient(host);
    }

    public Task Publish<T>(T message, CancellationToken cancel)
        where T : class => host.Services.GetRequiredService<IPublishEndpoint>().Publish(message, cancel);

    public async Task<DeploymentStatus> Status(Guid deploymentId, CancellationToken cancel)
    {
        using var scope = host.Services.CreateScope();
        var client = scope.ServiceProvider.GetRequiredService<IRequestClient<GetDeploymentStatus>>();
        var response = await client.GetResponse<DeploymentStatus>(new GetDeploymentStatus(deploymentId), cancel);
        return response.Message;
    }

    /// <summary>
    /// What the Rollout reads on the deployment's target now; <see cref="ServingNow.Reported"/> false, with why, when no
    /// Rollout answers within <paramref name="within"/> or the broker refuses the request (a user not allowed to ask it).
    /// </summary>
    public async Task<ServingNow> Serving(Guid deploymentId, DeploymentTarget target, TimeSpan within, CancellationToken cancel)
    {
        using var scope = host.Services.CreateScope();
        var client = scope.ServiceProvider.GetRequiredService<IRequestClient<GetServing>>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(within);
        try
        {
            return (await client.GetResponse<ServingNow>(new GetServing(deploymentId, target), deadline.Token)).Message;
        }
        catch (Exception error) when (!cancel.IsCancellationRequested && error is RequestTimeoutException or OperationCanceledException or MassTransitException)
        {
            var why = error is MassTransitException and not RequestTimeoutException
                ? $"the request to the Rollout failed: {error.GetBaseException().Message}"
                : $"no Rollout answered within {within.TotalSeconds:F0} s (is it running, and is --rollout-queue its queue?)";
            return new ServingNow(target, Reported: false, Error: why);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // A send the broker refused may still be retrying: stopping waits for it no longer than this.
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await host.StopAsync(stopping.Token);
        host.Dispose();
    }

    /// <summary>The states a deployment does not leave.</summary>
    public static bool IsFinal(string? state) => state is "Live" or "Rejected" or "Failed" or "RolledBack";
}
