using Bpdp.Images.Registry;
using Bpdp.Rollout.Targets;
using Docker.DotNet;
using Microsoft.Extensions.Options;

namespace Bpdp.Rollout.Docker;

/// <summary>A Docker target per configured engine.</summary>
public sealed class DockerTargetFactory(IServiceProvider services, IOptions<RolloutOptions> options, IOptions<RegistryOptions> registry) : IRolloutTargetFactory
{
    public TargetKind Kind => TargetKind.Docker;

    public IRolloutTarget Create(TargetOptions target)
    {
        ArgumentNullException.ThrowIfNull(target);
        // The containers' ports are published on, and polled at, Rollout:ListenAddress: the engine must be this host's.
        if (!Uri.TryCreate(target.DockerHost, UriKind.Absolute, out var endpoint) || endpoint.Scheme != "unix")
        {
            throw new RolloutTargetException($"Rollout:Targets entry {target.Name}: DockerHost '{target.DockerHost}' must be this host's engine socket, " +
                "such as unix:///var/run/docker.sock (run a Rollout service on each Docker host)");
        }

        var client = new DockerClientConfiguration(endpoint).CreateClient();
        var engine = new DockerEngine(client, options.Value.ListenAddress, registry.Value);
        return ActivatorUtilities.CreateInstance<DockerTarget>(services, target, engine, options.Value);
    }
}
