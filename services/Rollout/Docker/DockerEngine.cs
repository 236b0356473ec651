using System.Globalization;
using System.Net;
using Bpdp.Contracts;
using Bpdp.Images.Registry;
using Bpdp.Rollout.Targets;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Bpdp.Rollout.Docker;

/// <summary>The engine operations blue-green needs, each safe to repeat: what is already so is left as it is.</summary>
public sealed class DockerEngine(IDockerClient docker, string listenAddress, RegistryOptions registry) : IDisposable
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
            var deployedAt = DateTimeOffset.TryParse(Value(labels, DockerNames.DeployedAtLabel), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None,
                out var at)
                ? at
                : DateTimeOffset.MinValue;
            containers.Add(new PolicyContainer(inspected.ID, color, Value(labels, DockerNames.DigestLabel) ?? "", Value(labels, DockerNames.DeploymentLabel) ?? "",
                deployedAt, inspected.State.Running, address, onAlias, inspected.Created));
        }

        return new PolicyContainers(containers);
    }

    /// <summary>Pulls <paramref name="image"/> by digest unless the engine has it already.</summary>
    public async Task Pull(ImageReference image, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(image);
        var host = image.Repository.Split('/')[0];
        if (!image.Repository.Contains('/', StringComparison.Ordinal) || !(host.Contains('.', StringComparison.Ordinal) || host.Contains(':', StringComparison.Ordinal) || host == "localhost"))
        {
            throw new RolloutTargetException($"the Docker target pulls images by digest from a registry, and {image} names none: run the pipeline with Images:Store=Registry");
        }

        if (await Has(image, cancel))
        {
            return;
        }

        var errors = new List<string>();
        // The configured registry's credentials go to that registry only, never to whichever host an image names.
        var auth = registry.Username is { Length: > 0 } user && string.Equals(registry.Url?.Authority, host, StringComparison.OrdinalIgnoreCase)
            ? new AuthConfig { Username = user, Password = registry.ReadPassword(), ServerAddress = host }
            : new AuthConfig();
        await docker.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = image.Repository, Tag = image.Digest }, auth,
            new ErrorsOf(errors), cancel);
        if (!await Has(image, cancel))
        {
            throw new RolloutTargetException($"the Docker engine could not pull {image}: {(errors.Count > 0 ? string.Join("; ", errors) : "it reports no error, yet does not have the image")}");
        }
    }

    /// <summary>The policies of one agency's environment that have containers on the engine.</summary>
    public async Task<IReadOnlyList<string>> Policies(string agency, string environment, CancellationToken cancel)
    {
        var listed = await docker.Containers.ListContainersAsync(
            new ContainersListParameters { All = true, Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = DockerNames.EnvironmentSelector(agency, environment) } }, cancel);
        return [.. listed.Select(c => Value(c.Labels, DockerNames.PolicyLabel)).OfType<string>().Distinct(StringComparer.Ordinal)];
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
        var existing = await docker.Networks.ListNetworksAsync(
            new NetworksListParameters { Filters = new Dictionary<string, IDictionary<string, bool>> { ["name"] = new Dictionary<string, bool> { [names.Network] = true } } }, cancel);
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

    public void Dispose() => docker.Dispose();

    /// <summary>Collects the pull's error messages as they are reported, on the reporting thread (Progress&lt;T&gt; would post them later).</summary>
    private sealed class ErrorsOf(List<string> errors) : IProgress<JSONMessage>
    {
        public void Report(JSONMessage value)
        {
            if (value.Error?.Message is { Length: > 0 } error)
            {
                errors.Add(error);
            }
        }
    }

    public static string Describe(PolicyContainer container) => string.Create(CultureInfo.InvariantCulture, $"{container.Color} ({container.Id[..12]}, {container.Address})");
}
