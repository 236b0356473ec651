using Bpdp.Ledger.Storage;
using Microsoft.Extensions.Options;

namespace Bpdp.Ledger.Checkpoints;

/// <summary>Signs a checkpoint of the chain's tail every <c>Ledger:CheckpointIntervalSeconds</c> when it has grown, and on demand.</summary>
public sealed partial class CheckpointService(ILedgerStore ledger, CheckpointSigner signer, IOptions<LedgerOptions> options, TimeProvider clock, ILogger<CheckpointService> logger)
    : BackgroundService
{
    /// <summary>Signs and stores a checkpoint of the current tail, unless the tail is already checkpointed or the ledger is empty.</summary>
    public async Task<Checkpoint?> CheckpointNow(CancellationToken cancel = default)
    {
        var (sequence, hash) = await ledger.Tail(cancel);
        var checkpoints = await ledger.Checkpoints(cancel);
        if (sequence == 0 || (checkpoints.Count > 0 && checkpoints[^1].Sequence >= sequence))
        {
            return null;
        }

        var checkpoint = signer.Sign(sequence, hash, clock.GetUtcNow());
        await ledger.AddCheckpoint(checkpoint, cancel);
        LogCheckpoint(checkpoint.Sequence, checkpoint.Hash);
        return checkpoint;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.CheckpointIntervalSeconds), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await CheckpointNow(stoppingToken);
            }
            catch (System.Data.Common.DbException error)
            {
                LogFailed(error.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Signed ledger checkpoint at entry {Sequence} ({Hash})")]
    private partial void LogCheckpoint(long sequence, string hash);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not sign a ledger checkpoint: {Reason}; trying again next interval")]
    private partial void LogFailed(string reason);
}
