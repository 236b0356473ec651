using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Bpdp.WebConsole.Board;

/// <summary>The Notifier's API (<c>Console:NotifierUrl</c>): what was notified, and what could not be.</summary>
public sealed class NotifierClient(HttpClient http, IOptions<ConsoleOptions> options, IServiceProvider services)
{
    public bool Configured => options.Value.NotifierUrl is not null || options.Value.NotifierInProcess;

    /// <summary>The newest notifications, optionally of one status, as the Notifier lists them.</summary>
    public async Task<JsonNode?> List(string? status, CancellationToken cancel) =>
        await http.GetFromJsonAsync<JsonNode>(new Uri(OwnAddress.Or(options.Value.NotifierUrl, services),
            status is null ? "v1/notifications?limit=200" : $"v1/notifications?limit=200&status={Uri.EscapeDataString(status)}"), cancel);
}
