namespace Bpdp.IntegrationTests.Servers;

/// <summary>The environment variables that point the integration tests at real servers.</summary>
public static class ServerEnvironment
{
    public const string RabbitMq = "BPDP_TEST_RABBITMQ";
    public const string Postgres = "BPDP_TEST_POSTGRES";
    public const string Registry = "BPDP_TEST_REGISTRY";
    public const string Prometheus = "BPDP_TEST_PROMETHEUS";
    public const string PrometheusTargets = "BPDP_TEST_PROMETHEUS_TARGETS";

    public static string? Get(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    /// <summary>The failure for a server that is neither configured nor startable: it never skips, it says how to fix it.</summary>
    public static InvalidOperationException Missing(string variable, string server) => new(
        $"{server} is needed but {variable} is not set and no Docker engine is reachable to start one with Testcontainers. " +
        "Start the real servers with `eval \"$(sudo scripts/services.sh up)\"` (it installs them from Debian packages and prints the variables), " +
        $"or set {variable} to a running {server}.");
}
