using System.Diagnostics;
using System.Globalization;
using Bpdp.IntegrationTests.Servers;
using Bpdp.Testing;

namespace Bpdp.IntegrationTests.Faults;

/// <summary>
/// RabbitMQ, PostgreSQL, Prometheus and the registry of a fault test's own, started by <c>scripts/services.sh up</c>
/// on ports and in a folder of their own (its variables), so the test may stop and restart them as an operator
/// would — the shared servers stay untouched.
/// </summary>
public sealed class ScriptedServers : IAsyncDisposable
{
    private static readonly string[] All = ["rabbitmq", "postgres", "prometheus", "registry"];
    private readonly Dictionary<string, string> variables;

    private ScriptedServers(string folder)
    {
        Folder = folder;
        var amqp = FreeTcpPort.Next();
        variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["BPDP_SERVICES_DIR"] = folder,
            ["BPDP_RABBITMQ_PORT"] = Text(amqp),
            ["BPDP_RABBITMQ_TLS_PORT"] = Text(FreeTcpPort.Next()),
            ["BPDP_RABBITMQ_UI_PORT"] = Text(FreeTcpPort.Next()),
            ["BPDP_RABBITMQ_DIST_PORT"] = Text(FreeTcpPort.Next()),
            ["BPDP_POSTGRES_PORT"] = Text(FreeTcpPort.Next()),
            ["BPDP_PROMETHEUS_PORT"] = Text(FreeTcpPort.Next()),
            ["BPDP_REGISTRY_PORT"] = Text(FreeTcpPort.Next()),
        };
        RabbitMq = new RabbitMqServer(new Uri($"amqp://guest:guest@127.0.0.1:{amqp}/"));
        Postgres = $"Host=127.0.0.1;Port={variables["BPDP_POSTGRES_PORT"]};Username=postgres;Database=postgres";
        Registry = $"127.0.0.1:{variables["BPDP_REGISTRY_PORT"]}";
        Prometheus = new PrometheusServer(new Uri($"http://127.0.0.1:{variables["BPDP_PROMETHEUS_PORT"]}"), Path.Combine(folder, "prometheus", "targets"));
    }

    public string Folder { get; }

    public RabbitMqServer RabbitMq { get; }

    public string Postgres { get; }

    public string Registry { get; }

    public PrometheusServer Prometheus { get; }

    public static async Task<ScriptedServers> Start()
    {
        var servers = new ScriptedServers(Directory.CreateTempSubdirectory("bpdp-fault-servers-").FullName);
        await servers.Up(All);
        return servers;
    }

    /// <summary><c>services.sh up SERVER...</c>: starts them and waits until they answer.</summary>
    public Task Up(params string[] names) => Script(["up", .. names]);

    /// <summary><c>services.sh down SERVER...</c>: stops them and waits until they have exited.</summary>
    public Task Down(params string[] names) => Script(["down", .. names]);

    public async Task Restart(string name)
    {
        await Down(name);
        await Up(name);
    }

    private async Task Script(string[] arguments)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(RepositoryRoot.Path, "scripts", "services.sh"), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in variables)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(deadline.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"services.sh {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await output}\n{await errors}");
        }
    }

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        await Down(All);
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // PostgreSQL's files belong to its own user; what is left goes with the temporary folder.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
