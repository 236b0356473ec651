using Bpdp.Testing;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using Testcontainers.PostgreSql;
using Testcontainers.RabbitMq;

namespace Bpdp.IntegrationTests.Servers;

/// <summary>
/// The real servers the integration tests use. Each comes from its environment variable (set by
/// <c>scripts/services.sh</c>); where that is unset and a Docker engine answers, Testcontainers starts
/// one; otherwise the test fails with a message naming the script. A server is started on first use.
/// </summary>
public sealed class RealServers : IAsyncLifetime
{
    private readonly List<IContainer> containers = [];
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly Dictionary<string, object> resolved = [];

    public Task<RabbitMqServer> RabbitMq() => Resolve(ServerEnvironment.RabbitMq, "RabbitMQ",
        value => new RabbitMqServer(new Uri(value)),
        async () =>
        {
            var container = new RabbitMqBuilder("rabbitmq:3.13-management").Build();
            await Start(container);
            return new RabbitMqServer(new Uri(container.GetConnectionString()));
        });

    public Task<string> Postgres() => Resolve(ServerEnvironment.Postgres, "PostgreSQL",
        value => value,
        async () =>
        {
            var container = new PostgreSqlBuilder("postgres:15-alpine").Build();
            await Start(container);
            return container.GetConnectionString();
        });

    /// <summary>The registry's host:port, spoken to over plain HTTP.</summary>
    public Task<string> Registry() => Resolve(ServerEnvironment.Registry, "the CNCF registry",
        value => value,
        async () =>
        {
            var container = new ContainerBuilder("registry:2")
                .WithPortBinding(5000, assignRandomHostPort: true)
                .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(r => r.ForPath("/v2/").ForPort(5000)))
                .Build();
            await Start(container);
            return $"{container.Hostname}:{container.GetMappedPublicPort(5000)}";
        });

    /// <summary>Prometheus's base URL and the folder where tests drop file_sd target files for it to scrape.</summary>
    public Task<PrometheusServer> Prometheus() => Resolve(ServerEnvironment.Prometheus, "Prometheus",
        value => new PrometheusServer(new Uri(value), ServerEnvironment.Get(ServerEnvironment.PrometheusTargets)
            ?? throw new InvalidOperationException($"{ServerEnvironment.Prometheus} is set but {ServerEnvironment.PrometheusTargets} is not: scripts/services.sh env prints both.")),
        async () =>
        {
            // Host networking, so Prometheus scrapes test processes on 127.0.0.1 exactly as the local server does.
            var targets = Directory.CreateTempSubdirectory("bpdp-prometheus-targets-").FullName;
            var port = FreeTcpPort.Next();
            var config = Path.Combine(targets, "prometheus.yml");
            await File.WriteAllTextAsync(config, $$"""
                global: { scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s }
                scrape_configs:
                  - job_name: bpdp
                    file_sd_configs: [ { files: ['/targets/*.json'], refresh_interval: 1s } ]
                """);
            var container = new ContainerBuilder("prom/prometheus:v2.53.0")
                .WithNetwork("host")
                .WithBindMount(targets, "/targets")
                .WithCommand("--config.file=/targets/prometheus.yml", $"--web.listen-address=127.0.0.1:{port}", "--storage.tsdb.path=/prometheus")
                .WithWaitStrategy(Wait.ForUnixContainer().UntilMessageIsLogged("Server is ready to receive web requests"))
                .Build();
            await Start(container);
            return new PrometheusServer(new Uri($"http://127.0.0.1:{port}"), targets);
        });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var container in containers)
        {
            await container.DisposeAsync();
        }

        gate.Dispose();
    }

    private async Task<T> Resolve<T>(string variable, string server, Func<string, T> fromEnvironment, Func<Task<T>> startContainer)
        where T : notnull
    {
        await gate.WaitAsync();
        try
        {
            if (resolved.TryGetValue(variable, out var known))
            {
                return (T)known;
            }

            T value;
            if (ServerEnvironment.Get(variable) is { } configured)
            {
                value = fromEnvironment(configured);
            }
            else if (await DockerEngine.IsReachable())
            {
                value = await startContainer();
            }
            else
            {
                throw ServerEnvironment.Missing(variable, server);
            }

            resolved[variable] = value;
            return value;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task Start(IContainer container)
    {
        containers.Add(container);
        await container.StartAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class RealServersCollection : ICollectionFixture<RealServers>
{
    public const string Name = "real servers";
}
