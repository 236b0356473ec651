using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Bpdp.Contracts;
using Bpdp.IntegrationTests.Distributed;
using Bpdp.IntegrationTests.Servers;
using Bpdp.Platform.Bus.Identity;
using Bpdp.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Bpdp.IntegrationTests.Bus;

/// <summary>
/// AMQPS to the real RabbitMQ, whose TLS listener has a certificate of its own CA (scripts/services.sh makes both):
/// a service that trusts that CA connects over TLS and its messages flow; one that trusts a CA generated here, or
/// only the system's store, refuses the broker's certificate and does not start.
/// </summary>
[Collection(RealServersCollection.Name)]
public sealed class AmqpsTests(RealServers servers) : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-amqps-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task A_service_that_trusts_the_brokers_CA_talks_over_TLS()
    {
        var rabbit = await servers.RabbitMq();
        var sink = new MessageSink();
        var prefix = $"amqps-{Guid.NewGuid():N}"[..14];
        string[] probes = [];
        await using var host = TestHost.Build(TlsSettings(rabbit, BrokerCa()), bus => probes = bus.AddPipelineProbes(prefix), sink);
        await host.StartAsync();
        await using var cleanup = new QueueCleanup(rabbit, probes);

        var refusal = new MessageRefused(Guid.NewGuid(), DateTimeOffset.UtcNow, PipelineStage.Rollout, nameof(DeployGreen), RefusalReason.InvalidSignature, "over TLS");
        await host.Services.GetRequiredService<IPublishEndpoint>().Publish(refusal);
        var received = await sink.WaitFor<MessageRefused>(nameof(PipelineEvents.Refused), r => r.DeploymentId == refusal.DeploymentId, TimeSpan.FromSeconds(30));

        Assert.Equal("over TLS", received.Message.Detail);
        using var management = BrokerUsers.Client(rabbit.Management, rabbit.User, rabbit.Password);
        await Eventually.Holds(async () => (await TlsConnections(management)).Count > 0, "the broker lists a TLS connection", TimeSpan.FromSeconds(30));
        Assert.All(await TlsConnections(management), protocol => Assert.Contains(protocol, new[] { "tlsv1.2", "tlsv1.3" }));
    }

    [Fact]
    public async Task A_service_that_trusts_another_CA_refuses_the_broker_and_does_not_start()
    {
        var rabbit = await servers.RabbitMq();
        var otherCa = Path.Combine(folder, "other-ca.pem");
        using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            var request = new CertificateRequest("CN=not the broker's CA", key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            await File.WriteAllTextAsync(otherCa, ca.ExportCertificatePem());
        }

        var settings = TlsSettings(rabbit, otherCa);
        settings["Bus:StartTimeoutSeconds"] = "5";
        await using var host = TestHost.Build(settings, _ => { });

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());
        Assert.Contains("certificate", Messages(error), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_service_that_trusts_only_the_systems_store_refuses_a_broker_certificate_of_a_private_CA()
    {
        var rabbit = await servers.RabbitMq();
        var settings = TlsSettings(rabbit, ca: null);
        settings["Bus:StartTimeoutSeconds"] = "5";
        await using var host = TestHost.Build(settings, _ => { });

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());
        Assert.Contains("certificate", Messages(error), StringComparison.OrdinalIgnoreCase);
    }

    private static Dictionary<string, string?> TlsSettings(RabbitMqServer rabbit, string? ca)
    {
        var settings = rabbit.ServiceSettings();
        settings["RabbitMq:UseTls"] = "true";
        settings["RabbitMq:Port"] = Environment.GetEnvironmentVariable("BPDP_TEST_RABBITMQ_TLS_PORT") ?? "5671";
        if (ca is not null)
        {
            settings["RabbitMq:CaCertificateFile"] = ca;
        }

        return settings;
    }

    private static string BrokerCa() =>
        Environment.GetEnvironmentVariable("BPDP_TEST_RABBITMQ_CA") is { Length: > 0 } path && File.Exists(path)
            ? path
            : throw new InvalidOperationException("BPDP_TEST_RABBITMQ_CA does not name the broker's CA certificate: start the servers with scripts/services.sh up and eval its output.");

    private static async Task<List<string>> TlsConnections(HttpClient management) =>
        [.. JsonDocument.Parse(await management.GetStringAsync("api/connections")).RootElement.EnumerateArray()
            .Where(c => c.TryGetProperty("ssl", out var ssl) && ssl.ValueKind == JsonValueKind.True)
            .Select(c => c.GetProperty("ssl_protocol").GetString()!)];

    private static string Messages(Exception error) => error.InnerException is null ? error.Message : $"{error.Message} {Messages(error.InnerException)}";
}
