using Bpdp.Images;
using Bpdp.Testing;
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

    // The bus is created, and its options validated, as soon as the health endpoint is mapped: either step may throw.
    private static async Task BuildAndStart(Dictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    {
        await using var app = TestHost.Build(settings, _ => { }, configureServices: services);
        await app.StartAsync();
    }
}
