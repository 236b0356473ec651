using Bpdp.Coordinator;
using Bpdp.Images;
using Bpdp.Testing;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bpdp.UnitTests.Platform;

public sealed class StartupValidationTests
{
    [Fact]
    public async Task RabbitMq_transport_without_host_or_credentials_fails_at_start_naming_each_key()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(
            () => BuildAndStart(new Dictionary<string, string?> { ["Bus:Transport"] = "RabbitMq" }));

        Assert.Contains("'RabbitMq:Host'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'RabbitMq:Username'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'RabbitMq:Password'", error.Message, StringComparison.Ordinal);
        Assert.Contains("RabbitMq__Host", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_password_file_that_does_not_exist_is_named()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => BuildAndStart(new Dictionary<string, string?>
        {
            ["Bus:Transport"] = "RabbitMq",
            ["RabbitMq:Host"] = "localhost",
            ["RabbitMq:Username"] = "bpdp",
            ["RabbitMq:PasswordFile"] = "/nonexistent/rabbitmq-password",
        }));

        Assert.Contains("RabbitMq:PasswordFile", error.Message, StringComparison.Ordinal);
        Assert.Contains("/nonexistent/rabbitmq-password", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("5671", null, null, "RabbitMq:Port is 5671, the AMQPS port, but RabbitMq:UseTls is not set")]
    [InlineData("5672", null, "/tmp/ca.pem", "RabbitMq:CaCertificateFile is set but RabbitMq:UseTls is not")]
    [InlineData("5671", "true", "/nonexistent/ca.pem", "RabbitMq:CaCertificateFile names '/nonexistent/ca.pem', which does not exist.")]
    public async Task Tls_settings_that_would_not_check_the_brokers_certificate_are_refused(string port, string? useTls, string? ca, string message)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => BuildAndStart(new Dictionary<string, string?>
        {
            ["Bus:Transport"] = "RabbitMq",
            ["RabbitMq:Host"] = "localhost",
            ["RabbitMq:Port"] = port,
            ["RabbitMq:Username"] = "bpdp",
            ["RabbitMq:Password"] = "secret",
            ["RabbitMq:UseTls"] = useTls,
            ["RabbitMq:CaCertificateFile"] = ca,
        }));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_log_format_is_refused_at_start()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => BuildAndStart(new Dictionary<string, string?>
        {
            ["Bus:Transport"] = "InMemory",
            ["Service:LogFormat"] = "xml",
        }));

        Assert.Contains("Service:LogFormat", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_registry_store_without_a_registry_address_fails_at_start()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => BuildAndStart(new Dictionary<string, string?>
        {
            ["Bus:Transport"] = "InMemory",
            ["Images:Store"] = "Registry",
        }, services => services.AddImageStore()));

        Assert.Contains("Registry:Url is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_registry_password_file_that_does_not_exist_fails_at_start()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => BuildAndStart(new Dictionary<string, string?>
        {
            ["Bus:Transport"] = "InMemory",
            ["Images:Store"] = "Registry",
            ["Registry:Url"] = "http://127.0.0.1:5000",
            ["Registry:Username"] = "bpdp",
            ["Registry:PasswordFile"] = "/nonexistent/registry-password",
        }, services => services.AddImageStore()));

        Assert.Contains("Registry:PasswordFile names '/nonexistent/registry-password'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_layout_store_starts_without_any_registry_settings() =>
        await BuildAndStart(new Dictionary<string, string?> { ["Bus:Transport"] = "InMemory", ["Images:Store"] = "Layout" }, services => services.AddImageStore());

    [Fact]
    public async Task A_coordinator_keeping_sagas_in_memory_on_a_shared_broker_refuses_to_start()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Bus:Transport"] = "RabbitMq",
            ["RabbitMq:Host"] = "127.0.0.1",
            ["RabbitMq:Username"] = "bpdp",
            ["RabbitMq:Password"] = "unused",
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        await using var app = TestHost.Build(settings, bus => bus.AddCoordinatorStage(configuration));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("Coordinator:Store is InMemory while the bus is rabbitmq://", error.Message, StringComparison.Ordinal);
        Assert.Contains("Set Coordinator:Store=Postgres", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_embedded_coordinator_keeps_its_sagas_in_memory() =>
        await BuildAndStart(new Dictionary<string, string?> { ["Bus:Transport"] = "InMemory" }, bus => bus.AddCoordinatorStage(new ConfigurationBuilder().Build()));

    [Fact]
    public void No_host_reports_to_the_usage_telemetry_service()
    {
        using var app = TestHost.Build(new Dictionary<string, string?> { ["Bus:Transport"] = "InMemory" }, _ => { });

        Assert.False(app.Services.GetRequiredService<IOptions<UsageTelemetryOptions>>().Value.Enabled);
    }

    // The bus is created, and its options validated, as soon as the health endpoint is mapped: either step may throw.
    private static async Task BuildAndStart(Dictionary<string, string?> settings, Action<IServiceCollection>? services = null) =>
        await BuildAndStart(settings, _ => { }, services);

    private static async Task BuildAndStart(Dictionary<string, string?> settings, Action<IBusRegistrationConfigurator> stages, Action<IServiceCollection>? services = null)
    {
        await using var app = TestHost.Build(settings, stages, configureServices: services);
        await app.StartAsync();
    }
}
