using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Bpdp.IntegrationTests.Servers;
using Bpdp.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bpdp.IntegrationTests.Images;

/// <summary>
/// A CNCF registry (the real <c>docker-registry</c> binary) with token authentication, and the token service it
/// trusts: the service checks basic credentials and issues an ES256 JWT granting the requested scope, signed by
/// a certificate in the registry's root bundle — the flow of Docker Hub and most hosted registries.
/// </summary>
public sealed class TokenAuthRegistry : IAsyncDisposable
{
    private const string Service = "bpdp-test-registry";
    private const string Issuer = "bpdp-test-token-service";
    private readonly Process registry;
    private readonly WebApplication tokenService;
    private readonly ECDsa key;
    private readonly string folder;

    private TokenAuthRegistry(Process registry, WebApplication tokenService, ECDsa key, string folder, string host)
    {
        this.registry = registry;
        this.tokenService = tokenService;
        this.key = key;
        this.folder = folder;
        Host = host;
    }

    public string Host { get; }

    public int TokensIssued;

    public static async Task<TokenAuthRegistry> Start(string user, string password)
    {
        var folder = Directory.CreateTempSubdirectory("bpdp-registry-token-").FullName;
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest("CN=bpdp test token service", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(2));
        await File.WriteAllTextAsync(Path.Combine(folder, "root.pem"), certificate.ExportCertificatePem());
        var certificateBase64 = Convert.ToBase64String(certificate.RawData);

        var tokenPort = FreeTcpPort.Next();
        var registryPort = FreeTcpPort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{tokenPort}");
        var app = builder.Build();
        TokenAuthRegistry? server = null;
        app.MapGet("/token", (HttpRequest request) =>
        {
            var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
            if (request.Headers.Authorization != expected || request.Query["service"] != Service)
            {
                return Results.StatusCode((int)HttpStatusCode.Unauthorized);
            }

            Interlocked.Increment(ref server!.TokensIssued);
            return Results.Json(new { token = Sign(key, certificateBase64, user, request.Query["scope"].ToString()) });
        });
        await app.StartAsync();

        await File.WriteAllTextAsync(Path.Combine(folder, "config.yml"), $"""
            version: 0.1
            log:
              level: warn
            storage:
              filesystem:
                rootdirectory: {folder}/data
            http:
              addr: 127.0.0.1:{registryPort}
            auth:
              token:
                realm: http://127.0.0.1:{tokenPort}/token
                service: {Service}
                issuer: {Issuer}
                rootcertbundle: {folder}/root.pem
            """);
        var process = Process.Start(new ProcessStartInfo("docker-registry", ["serve", Path.Combine(folder, "config.yml")]) { RedirectStandardError = true, RedirectStandardOutput = true })
            ?? throw new InvalidOperationException("docker-registry did not start: scripts/services.sh installs it.");
        server = new TokenAuthRegistry(process, app, key, folder, $"127.0.0.1:{registryPort}");
        await Eventually.Answers(new Uri($"http://{server.Host}/v2/"), status => status == HttpStatusCode.Unauthorized, "the token-auth registry answers", TimeSpan.FromSeconds(20));
        return server;
    }

    /// <summary>A JWT (JWS compact, ES256) whose <c>x5c</c> header carries the certificate the registry trusts.</summary>
    private static string Sign(ECDsa key, string certificate, string subject, string scope)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var access = new JsonArray();
        foreach (var item in scope.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = item.Split(':');
            access.Add(new JsonObject { ["type"] = parts[0], ["name"] = string.Join(':', parts[1..^1]), ["actions"] = new JsonArray([.. parts[^1].Split(',').Select(a => (JsonNode)a)]) });
        }

        var header = new JsonObject { ["typ"] = "JWT", ["alg"] = "ES256", ["x5c"] = new JsonArray(certificate) };
        var claims = new JsonObject
        {
            ["iss"] = Issuer,
            ["sub"] = subject,
            ["aud"] = Service,
            ["exp"] = now + 300,
            ["nbf"] = now - 10,
            ["iat"] = now,
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["access"] = access,
        };
        var signed = $"{Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString()))}.{Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()))}";
        return $"{signed}.{Base64Url(key.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256))}";
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public async ValueTask DisposeAsync()
    {
        registry.Kill(entireProcessTree: true);
        await registry.WaitForExitAsync();
        registry.Dispose();
        await tokenService.StopAsync();
        await tokenService.DisposeAsync();
        key.Dispose();
        Directory.Delete(folder, recursive: true);
    }
}
