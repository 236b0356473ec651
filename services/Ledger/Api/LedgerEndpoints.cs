using System.Security.Cryptography;
using Bpdp.Ledger.Checkpoints;
using Bpdp.Ledger.Storage;
using Bpdp.Ledger.Verification;

namespace Bpdp.Ledger.Api;

/// <summary>The ledger's read side for ops, the CLI and auditors.</summary>
public static class LedgerEndpoints
{
    /// <summary>The most entries one range request returns; page with <c>from</c>.</summary>
    public const int MaxRange = 1000;

    public static IEndpointRouteBuilder MapLedgerEndpoints(this IEndpointRouteBuilder app)
    {
        var ledger = app.MapGroup("/v1");
        ledger.MapGet("/deployments", (ILedgerStore store, CancellationToken cancel) => store.Deployments(cancel));
        ledger.MapGet("/deployments/{id:guid}/timeline", async (Guid id, ILedgerStore store, CancellationToken cancel) =>
        {
            var timeline = await store.Timeline(id, cancel);
            return timeline.Count == 0
                ? Results.NotFound(new { error = $"the ledger holds nothing for deployment {id}" })
                : Results.Ok(timeline.Select(EntryView.Of));
        });
        ledger.MapGet("/entries", async (long? from, long? to, ILedgerStore store, CancellationToken cancel) =>
        {
            var first = Math.Max(1, from ?? 1);
            var last = Math.Min(to ?? first + MaxRange - 1, first + MaxRange - 1);
            var entries = new List<EntryView>();
            await foreach (var entry in store.Entries(first, last, cancel))
            {
                entries.Add(EntryView.Of(entry));
            }

            return Results.Ok(entries);
        });
        ledger.MapGet("/export", async (long? from, long? to, ILedgerStore store, HttpResponse response, CancellationToken cancel) =>
        {
            response.ContentType = "application/x-ndjson";
            await LedgerExport.WriteJsonLines(store, from ?? 1, to ?? long.MaxValue, response.Body, cancel);
        });
        ledger.MapGet("/checkpoints", (ILedgerStore store, CancellationToken cancel) => store.Checkpoints(cancel));
        ledger.MapPost("/checkpoints", async (CheckpointService checkpoints, CancellationToken cancel) =>
            await checkpoints.CheckpointNow(cancel) is { } checkpoint
                ? Results.Ok(checkpoint)
                : Results.Ok(new { message = "the ledger's tail is already checkpointed (or the ledger is empty)" }));
        ledger.MapGet("/verify", async (ILedgerStore store, CheckpointSigner signer, CancellationToken cancel) =>
        {
            using var key = signer.PublicKey();
            return await LedgerVerifier.Verify(store, key, cancel: cancel);
        });
        return app;
    }
}
