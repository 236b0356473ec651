using System.Diagnostics;
using Bpdp.IntegrationTests.Servers;
using Bpdp.Testing;

namespace Bpdp.IntegrationTests.Images;

/// <summary>A second CNCF registry (the same <c>docker-registry</c> binary the services script runs), with htpasswd basic auth, for this test only.</summary>
public sealed class PasswordProtectedRegistry : IAsyncDisposable
{
    private readonly Process process;
    private readonly string folder;

    private PasswordProtectedRegistry(Process process, string folder, string host)
    {
        this.process = process;
        this.folder = folder;
        Host = host;
    }

    public string Host { get; }

    public static async Task<PasswordProtectedRegistry> Start(string user, string password)
    {
        var folder = Directory.CreateTempSubdirectory("bpdp-registry-auth-").FullName;
        var port = FreeTcpPort.Next();
        await File.WriteAllTextAsync(Path.Combine(folder, "htpasswd"), $"{user}:{BCrypt.Net.BCrypt.HashPassword(password, workFactor: 4)}\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "config.yml"), $"""
            version: 0.1
            log:
              level: warn
            storage:
              filesystem:
                rootdirectory: {folder}/data
            http:
              addr: 127.0.0.1:{port}
            auth:
              htpasswd:
                realm: bpdp-test
                path: {folder}/htpasswd
            """);
        var process = Process.Start(new ProcessStartInfo("docker-registry", ["serve", Path.Combine(folder, "config.yml")]) { RedirectStandardError = true, RedirectStandardOutput = true })
            ?? throw new InvalidOperationException("docker-registry did not start: scripts/services.sh installs it.");
        var registry = new PasswordProtectedRegistry(process, folder, $"127.0.0.1:{port}");
        await Eventually.Answers(new Uri($"http://{registry.Host}/v2/"), status => status == System.Net.HttpStatusCode.Unauthorized,
            "the password-protected registry answers", TimeSpan.FromSeconds(20));
        return registry;
    }

    public async ValueTask DisposeAsync()
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
        Directory.Delete(folder, recursive: true);
    }
}
