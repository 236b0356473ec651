using Bpdp.Contracts;
using Bpdp.Rollout.Targets;
using Microsoft.Extensions.Options;

namespace Bpdp.Rollout.Docker;

/// <summary>
/// At start, rebuilds the proxy of every policy each configured Docker engine runs, from what the engine shows,
/// so host clients are served again right after a restart and not only from the next command on. An engine that
/// does not answer is logged and left to the next command.
/// </summary>
public sealed class DockerProxyRestore(RolloutTargets targets, IOptions<RolloutOptions> options, ILogger<DockerProxyRestore> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var entry in options.Value.Targets.Where(t => t.Kind == TargetKind.Docker))
        {
            try
            {
                if (targets.For(new DeploymentTarget(entry.Agency, entry.Environment, "", "")) is DockerTarget docker)
                {
                    await docker.Restore(cancellationToken);
                }
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                logger.LogWarning("{Target}: the Docker engine's policies could not be served again at start: {Error}", entry.Name, error.Message);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
