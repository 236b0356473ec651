using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Bpdp.Ledger.Api;
using Bpdp.Ledger.Chain;
using Bpdp.Ledger.Checkpoints;
using Bpdp.Ledger.Storage;
using Bpdp.Ledger.Verification;
using Microsoft.Data.Sqlite;

namespace Bpdp.UnitTests.Ledger;

/// <summary>The embedded ledger: the same chain, dedupe, append-only triggers and verification on one SQLite file.</summary>
public sealed class SqliteLedgerTests : IDisposable
{
    private readonly string path = Path.Combine(Path.GetTempPath(), $"bpdp-ledger-{Guid.NewGuid():N}.db");
    private readonly ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private static PendingEntry Entry(Guid deployment, int n, Guid? id = null) => new(
        id ?? Guid.NewGuid(), deployment, "PromoteDeployment", DateTimeOffset.UtcNow, $$"""{"deploymentId":"{{deployment}}","n":{{n}}}""");

    [Fact]
    public async Task Appends_form_a_valid_chain_redeliveries_are_skipped_and_the_export_carries_every_hashed_field()
    {
        using var ledger = SqliteLedger.Open(path);
        var deployment = Guid.NewGuid();
        var entries = Enumerable.Range(1, 5).Select(n => Entry(deployment, n)).ToList();

        Assert.Equal(5, await ledger.Append(entries));
        Assert.Equal(1, await ledger.Append([entries[0], Entry(deployment, 6)]));

        var result = await LedgerVerifier.Verify(ledger, key);
        Assert.True(result.Valid, result.Reason);
        Assert.Equal(6, result.VerifiedEntries);
        var summary = Assert.Single(await ledger.Deployments());
        Assert.Equal((deployment, 6L, 6L), (summary.DeploymentId, summary.Entries, summary.LastSequence));
        var lines = (await LedgerExport.ToJsonLines(ledger, 2, 3)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        var exported = JsonNode.Parse(lines[0])!;
        var stored = await ledger.Entries(2, 2).SingleAsync();
        Assert.Equal(stored.Hash, exported["hash"]!.GetValue<string>());
        Assert.Equal(stored.Payload, exported["payload"]!.GetValue<string>());
        Assert.Equal(LedgerHash.Time(stored.RecordedAt), exported["recordedAt"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("UPDATE ledger_entries SET payload = '{}' WHERE seq = 1")]
    [InlineData("DELETE FROM ledger_entries WHERE seq = 1")]
    [InlineData("DELETE FROM ledger_entries")]
    public async Task Changes_and_deletions_are_refused(string sql)
    {
        using var ledger = SqliteLedger.Open(path);
        await ledger.Append([Entry(Guid.NewGuid(), 1), Entry(Guid.NewGuid(), 2)]);

        var error = await Assert.ThrowsAsync<SqliteException>(() => Execute(sql));

        Assert.Contains("append-only", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await ledger.Tail()).Sequence);
    }

    [Fact]
    public async Task Verify_catches_an_edit_made_past_the_triggers_and_a_truncation_past_a_checkpoint()
    {
        using var ledger = SqliteLedger.Open(path);
        await ledger.Append([.. Enumerable.Range(1, 6).Select(n => Entry(Guid.NewGuid(), n))]);
        using var signer = new CheckpointSigner(key);
        var (tail, hash) = await ledger.Tail();
        await ledger.AddCheckpoint(signer.Sign(tail, hash, DateTimeOffset.UtcNow));

        await Execute("DROP TRIGGER ledger_entries_no_update; DROP TRIGGER ledger_entries_no_delete; UPDATE ledger_entries SET payload = '{\"n\":99}' WHERE seq = 3");
        var edited = await LedgerVerifier.Verify(ledger, key);
        Assert.Equal(3, edited.FirstBadSequence);

        await Execute("DELETE FROM ledger_entries WHERE seq >= 3");
        var truncated = await LedgerVerifier.Verify(ledger, key);
        Assert.Equal(6, truncated.FirstBadSequence);
        Assert.Contains("truncated", truncated.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_appenders_extend_one_chain()
    {
        using var ledger = SqliteLedger.Open(path);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            for (var batch = 0; batch < 10; batch++)
            {
                await ledger.Append([.. Enumerable.Range(0, 5).Select(n => Entry(Guid.NewGuid(), n))]);
            }
        })));

        var result = await LedgerVerifier.Verify(ledger, key);
        Assert.True(result.Valid, result.Reason);
        Assert.Equal(200, result.VerifiedEntries);
    }

    [Fact]
    public async Task A_different_payload_under_a_recorded_message_id_is_recorded_as_a_conflict_entry_and_counted()
    {
        using var ledger = SqliteLedger.Open(path);
        var deployment = Guid.NewGuid();
        var original = Entry(deployment, 1);
        var forged = original with { Payload = $$"""{"deploymentId":"{{deployment}}","n":666}""" };
        var conflictsBefore = await MetricValue("bpdp_ledger_conflicts_total");

        Assert.Equal(1, await ledger.Append([original]));
        Assert.Equal(0, await ledger.Append([original]));
        Assert.Equal(1, await ledger.Append([forged]));
        Assert.Equal(0, await ledger.Append([forged, original]));

        var conflict = await ledger.Entries(2, 2).SingleAsync();
        Assert.Equal(("MessageIdConflict", deployment), (conflict.MessageType, conflict.DeploymentId));
        Assert.NotEqual(original.MessageId, conflict.MessageId);
        Assert.Equal(
            $$"""{"messageId":"{{original.MessageId}}","messageType":"PromoteDeployment","payload":"{{forged.Payload.Replace("\"", "\\\"", StringComparison.Ordinal)}}"""
                + $"\",\"payloadSha256\":\"{Sha256(forged.Payload)}\",\"recordedPayloadSha256\":\"{Sha256(original.Payload)}\"}}",
            conflict.Payload);
        Assert.Equal(2, (await ledger.Tail()).Sequence);
        Assert.True((await LedgerVerifier.Verify(ledger, key)).Valid);
        Assert.Equal(conflictsBefore + 1, await MetricValue("bpdp_ledger_conflicts_total"));
    }

    [Fact]
    public async Task Two_payloads_under_one_new_message_id_in_one_batch_record_the_first_and_a_conflict()
    {
        using var ledger = SqliteLedger.Open(path);
        var original = Entry(Guid.NewGuid(), 1);

        Assert.Equal(2, await ledger.Append([original, original with { Payload = "{\"n\":2}" }, original]));

        Assert.Equal(["PromoteDeployment", "MessageIdConflict"], await ledger.Entries(1, 2).Select(e => e.MessageType).ToListAsync());
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    private static async Task<double> MetricValue(string name)
    {
        using var buffer = new MemoryStream();
        await Prometheus.Metrics.DefaultRegistry.CollectAndExportAsTextAsync(buffer);
        var line = System.Text.Encoding.UTF8.GetString(buffer.ToArray()).Split('\n').SingleOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(name.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task Execute(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public void Dispose()
    {
        key.Dispose();
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }
    }
}
