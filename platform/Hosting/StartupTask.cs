using Microsoft.Extensions.Hosting;

namespace Bpdp.Platform.Hosting;

/// <summary>
/// Work that must finish before any hosted service starts — the bus included, so no message is consumed
/// first — such as creating a service's tables. Runs in <see cref="IHostedLifecycleService.StartingAsync"/>.
/// </summary>
public abstract class StartupTask : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Run(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected abstract Task Run(CancellationToken cancel);
}
