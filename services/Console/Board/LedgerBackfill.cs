using System.Text.Json;
using Bpdp.Contracts;
using Microsoft.Extensions.Options;

namespace Bpdp.WebConsole.Board;

/// <summary>
/// At start, reads the ledger from its first entry onto the board, so a console started (or restarted) late shows
/// every deployment; messages arriving on the queue meanwhile are the same ids and apply once. An entry whose type or
/// body the console does not know is counted and skipped. A ledger that does not answer is tried again.
/// </summary>
public sealed class LedgerBackfill(LedgerClient ledger, DeploymentBoard board, IOptions<ConsoleOptions> options, ILogger<LedgerBackfill> logger) : BackgroundService
{
    private static readonly Dictionary<string, Type> Types = PipelineMessageTypes.All.ToDictionary(t => t.Name, StringComparer.Ordinal);

    /// <summary>True once the ledger has been read to its end (or there is no ledger to read).</summary>
    public bool Done { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // In the Ledger's own process the console hears every message from the first: there is nothing to catch up on.
        if (options.Value.LedgerUrl is null)
        {
            Done = true;
            return;
        }

        long next = 1;
        var (added, skipped) = (0, 0);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var page = await ledger.Entries(next, stoppingToken);
                if (page.Count == 0)
                {
                    break;
                }

                foreach (var entry in page)
                {
                    next = Math.Max(next, entry["seq"]!.GetValue<long>() + 1);
                    if (Read(entry) is { } message && board.Add(entry["messageId"]!.GetValue<Guid>(), message, verified: false))
                    {
                        added++;
                    }
                    else
                    {
                        skipped++;
                    }
                }
            }
            catch (Exception error) when (error is HttpRequestException or JsonException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("The ledger could not be read from entry {Next} ({Error}); trying again in 5 s", next, error.Message);
                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken);
            }
        }

        Done = true;
        logger.LogInformation("The console read the ledger to entry {Last}: {Added} messages added, {Skipped} already known or not readable", next - 1, added, skipped);
    }

    private static IPipelineMessage? Read(System.Text.Json.Nodes.JsonObject entry)
    {
        try
        {
            return Types.TryGetValue(entry["messageType"]!.GetValue<string>(), out var type)
                ? JsonSerializer.Deserialize(entry["payload"]!.GetValue<string>(), type, ContractJson.Options) as IPipelineMessage
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
