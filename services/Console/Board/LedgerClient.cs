using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
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

    private Uri Address(string path) => new(OwnAddress.Or(options.Value.LedgerUrl, services), path);
}
