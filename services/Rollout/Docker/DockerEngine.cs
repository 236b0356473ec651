using System.Globalization;
using System.Net;
using Bpdp.Contracts;
using Bpdp.Platform.Images.Registry;
using Bpdp.Rollout.Targets;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Bpdp.Rollout.Docker;

/// <summary>The engine operations blue-green needs, each safe to repeat: what is already so is left as it is.</summary>
public sealed class DockerEngine(IDockerClient docker, string listenAddress, RegistryOptions registry)
{
    private const string ExecutorPort = "8080/tcp";

    /// <summary>The policy's containers, with their published address and whether they hold the live alias.</summary>
    public async Task<PolicyContainers> Read(DockerNames names, CancellationToken cancel)
    {
        var listed = await docker.Containers.ListContainersAsync(
            new ContainersListParameters { All = true, Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = names.Selector() } }, cancel);
        var containers = new List<PolicyContainer>();
        foreach (var item in listed)
        {
            ContainerInspectResponse inspected;
            try
            {
                inspected = await docker.Containers.InspectContainerAsync(item.ID, cancel);
            }
            catch (DockerContainerNotFoundException)
            {
                continue;
            }

            var labels = inspected.Config.Labels;
            if (!Enum.TryParse<Color>(Value(labels, DockerNames.ColorLabel), ignoreCase: true, out var color))
            {
                continue;
            }

            var published = Value(inspected.NetworkSettings.Ports, ExecutorPort)?.FirstOrDefault();
            var address = inspected.State.Running && published is { HostPort: { Length: > 0 } port } ? new Uri($"http://{listenAddress}:{port}/") : null;
            var onAlias = Value(inspected.NetworkSettings.Networks, names.Network)?.Aliases?.Contains(names.LiveAlias) == true;
            containers.Add(new PolicyContainer(inspected.ID, color, Value(labels, DockerNames.DigestLabel) ?? "", Value(labels, DockerNames.DeploymentLabel) ?? "",
                inspected.State.Running, address, onAlias, inspected.Created));
        }

        return new PolicyContainers(containers);
    }

    /// <summary>Pulls <paramref name="image"/> by digest unless the engine has it already.</summary>
    public async Task Pull(ImageReference image, CancellationToken cancel)
    {
        if (await Has(image, cancel))
        {
            return;
        }

        var errors = new List<string>();
        var password = registry.ReadPassword();
        var auth = registry.Username is { Length: > 0 } user ? new AuthConfig { Username = user, Password = password, ServerAddress = image.Repository.Split('/')[0] } : new AuthConfig();
        await docker.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = image.Repository, Tag = image.Digest }, auth,
            new Progress<JSONMessage>(m =>
            {
                if (m.Error?.Message is { Length: > 0 } error)
                {
                    lock (errors)
                    {
                        errors.Add(error);
                    }
                }
            }), cancel);
        if (!await Has(image, cancel))
        {
            throw new RolloutTargetException($"the Docker engine could not pull {image}: {(errors.Count > 0 ? string.Join("; ", errors) : "it reports no error, yet does not have the image")}");
        }
    }

    /// <summary>Creates and starts the color's container of the image, non-root with a read-only root, its port published on the listen address.</summary>
    public async Task<string> Start(DockerNames names, Color color, DeployGreen command, CancellationToken cancel)
    {
        var created = await docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = names.Container(color),
            Image = command.Image.ToString(),
            Labels = names.Labels(color, command),
            Env = [$"BPDP_COLOR={color.ToString().ToLowerInvariant()}"],
            ExposedPorts = new Dictionary<string, EmptyStruct> { [ExecutorPort] = default },
            HostConfig = new HostConfig
            {
                PortBindings = new Dictionary<string, IList<PortBinding>> { [ExecutorPort] = [new PortBinding { HostIP = listenAddress, HostPort = "" }] },
                ReadonlyRootfs = true,
                CapDrop = ["ALL"],
                SecurityOpt = ["no-new-privileges"],
                RestartPolicy = new RestartPolicy { Name = RestartPolicyKind.UnlessStopped },
                Memory = 256L * 1024 * 1024,
                NetworkMode = "bridge",
            },
        }, cancel);
        await docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), cancel);
        return created.ID;
    }

    public async Task Remove(string id, CancellationToken cancel)
    {
        try
        {
            await docker.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true }, cancel);
        }
        catch (DockerContainerNotFoundException)
        {
        }
    }

    /// <summary>
    /// Makes <paramref name="live"/> (or nothing) the one container answering to the policy's alias on the
    /// environment's internal network: the new one joins before the others leave, so the alias never resolves to nothing.
    /// </summary>
    public async Task HoldLiveAlias(DockerNames names, PolicyContainers containers, PolicyContainer? live, CancellationToken cancel)
    {
        var network = await Network(names, cancel);
        if (live is { OnLiveAlias: false })
        {
            await docker.Networks.ConnectNetworkAsync(network, new NetworkConnectParameters { Container = live.Id, EndpointConfig = new EndpointSettings { Aliases = [names.LiveAlias] } }, cancel);
        }

        foreach (var other in containers.All.Where(c => c.OnLiveAlias && c.Id != live?.Id))
        {
            try
            {
                await docker.Networks.DisconnectNetworkAsync(network, new NetworkDisconnectParameters { Container = other.Id, Force = true }, cancel);
            }
            catch (DockerApiException error) when (error.StatusCode is HttpStatusCode.NotFound)
            {
            }
        }
    }

    /// <summary>The environment's network, created on first use; internal, so it never becomes a container's route out and published ports stay on the default bridge.</summary>
    private async Task<string> Network(DockerNames names, CancellationToken cancel)
    {
        var existing = await docker.Networks.ListNetworksAsync(new NetworksListParameters { Filters = new Dictionary<string, IDictionary<string, bool>> { ["name"] = new Dictionary<string, bool> { [names.Network] = true } } }, cancel);
        if (existing.FirstOrDefault(n => n.Name == names.Network) is { } network)
        {
            return network.ID;
        }

        try
        {
            return (await docker.Networks.CreateNetworkAsync(new NetworksCreateParameters { Name = names.Network, Driver = "bridge", Internal = true, CheckDuplicate = true }, cancel)).ID;
        }
        catch (DockerApiException error) when (error.StatusCode is HttpStatusCode.Conflict)
        {
            return names.Network;
        }
    }

    private async Task<bool> Has(ImageReference image, CancellationToken cancel)
    {
        try
        {
            await docker.Images.InspectImageAsync(image.ToString(), cancel);
            return true;
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
        catch (DockerApiException error) when (error.StatusCode is HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    private static T? Value<T>(IDictionary<string, T>? map, string key)
        where T : class => map is not null && map.TryGetValue(key, out var value) ? value : null;

    public static string Describe(PolicyContainer container) => string.Create(CultureInfo.InvariantCulture, $"{container.Color} ({container.Id[..12]}, {container.Address})");
}
