using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Bpdp.WebConsole.Board;

/// <summary>The Ledger's read API (<c>Console:LedgerUrl</c>): entries, a deployment's timeline, verification and checkpoints.</summary>
public sealed class LedgerClient(HttpClient http, IOptions<ConsoleOptions> options, IServiceProvider services)
{
    public bool Configured => options.Value.LedgerUrl is not null || options.Value.LedgerInProcess;

    /// <summary>Entries <paramref name="from"/> on, at most the Ledger's page size, as it serves them.</summary>
    public async Task<IReadOnlyList<JsonObject>> Entries(long from, CancellationToken cancel) =>
        await Get<List<JsonObject>>($"v1/entries?from={from}", cancel) ?? [];

    /// <summary>The deployment's entries; empty when the ledger holds none.</summary>
    public async Task<JsonNode?> Timeline(Guid deploymentId, CancellationToken cancel)
    {
        using var response = await http.GetAsync(Address($"v1/deployments/{deploymentId}/timeline"), cancel);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return new JsonArray();
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonNode>(cancel);
    }

    public Task<JsonNode?> Verify(CancellationToken cancel) => Get<JsonNode>("v1/verify", cancel);

    public Task<JsonNode?> Checkpoints(CancellationToken cancel) => Get<JsonNode>("v1/checkpoints", cancel);

    private async Task<T?> Get<T>(string path, CancellationToken cancel) =>
        await http.GetFromJsonAsync<T>(Address(path), new JsonSerializerOptions(JsonSerializerDefaults.Web), cancel);

    private Uri Address(string path) => new(new Uri(Base().ToString().TrimEnd('/') + "/"), path);

    private Uri Base()
    {
        if (options.Value.LedgerUrl is { } url)
        {
            return url;
        }

        var addresses = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        return addresses?.FirstOrDefault() is { } own
            ? new Uri(own.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal))
            : throw new HttpRequestException("this process does not listen yet, so its ledger cannot be asked");
    }
}
