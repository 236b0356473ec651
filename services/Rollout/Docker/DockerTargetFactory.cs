using Bpdp.Platform.Images.Registry;
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
        if (!Uri.TryCreate(target.DockerHost, UriKind.Absolute, out var endpoint))
        {
            throw new RolloutTargetException($"Rollout:Targets entry {target.Name}: DockerHost '{target.DockerHost}' is not an endpoint such as unix:///var/run/docker.sock or tcp://host:2376");
        }

        var client = new DockerClientConfiguration(endpoint).CreateClient();
        var engine = new DockerEngine(client, options.Value.ListenAddress, registry.Value);
        return ActivatorUtilities.CreateInstance<DockerTarget>(services, engine, options.Value);
    }
}
