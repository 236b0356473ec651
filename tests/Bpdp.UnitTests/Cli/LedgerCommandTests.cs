using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Bpdp.Cli;
using Bpdp.Ledger.Chain;
using Bpdp.Ledger.Checkpoints;
using Bpdp.Ledger.Storage;
using Microsoft.Data.Sqlite;

namespace Bpdp.UnitTests.Cli;

/// <summary><c>bpdp ledger</c> as an auditor's tool: held checkpoints catch what the ledger alone cannot, and verifying changes nothing.</summary>
public sealed class LedgerCommandTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-ledger-cli-").FullName;
    private readonly ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly CheckpointSigner signer;
    private readonly List<SqliteLedger> writers = [];

    public LedgerCommandTests() => signer = new CheckpointSigner(key);

    private string Db => Path.Combine(folder, "ledger.db");

    private string PublicKey => Path.Combine(folder, "ledger.pub.pem");

    private string Held => Path.Combine(folder, "held.jsonl");

    public void Dispose()
    {
        writers.ForEach(writer => writer.Dispose());
        signer.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Verify_with_held_checkpoints_catches_a_truncated_tail_whose_checkpoint_row_was_deleted()
    {
        await LedgerWith(6);
        Assert.Equal(0, (await Run("ledger", "checkpoints", "--sqlite", Db, "--output", Held)).Exit);

        await Tamper("DELETE FROM ledger_entries WHERE seq > 4; DELETE FROM ledger_checkpoints");

        Assert.Equal((0, "valid: 4 entries, 0 checkpoints\n"), await Run("ledger", "verify", "--sqlite", Db, "--public-key", PublicKey));
        var (exit, output) = await Run("ledger", "verify", "--sqlite", Db, "--public-key", PublicKey, "--checkpoints", Held);
        Assert.Equal(1, exit);
        Assert.StartsWith("BROKEN at sequence 6: checkpoint 6, signed ", output, StringComparison.Ordinal);
        Assert.EndsWith(", is beyond the ledger's last entry 4: the tail was truncated (4 entries verified before it)\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_with_held_checkpoints_catches_a_rehashed_chain_whose_checkpoint_row_was_deleted()
    {
        var ledger = await LedgerWith(6);
        Assert.Equal(0, (await Run("ledger", "checkpoints", "--sqlite", Db, "--output", Held)).Exit);
        var original = await ledger.Entries(6, 6).SingleAsync();

        // Rewrite every entry and re-hash the whole chain, so the chain alone is consistent again.
        var previous = LedgerHash.Genesis;
        var statements = new List<string>();
        await foreach (var entry in ledger.Entries(1, 6))
        {
            var forged = entry with { Payload = $$"""{"forged":{{entry.Sequence}}}""", PreviousHash = previous };
            forged = forged with { Hash = LedgerHash.Of(forged) };
            statements.Add($"UPDATE ledger_entries SET payload = '{forged.Payload}', prev_hash = '{forged.PreviousHash}', hash = '{forged.Hash}' WHERE seq = {entry.Sequence}");
            previous = forged.Hash;
        }

        await Tamper(string.Join(";\n", statements) + "; DELETE FROM ledger_checkpoints");

        Assert.Equal((0, "valid: 6 entries, 0 checkpoints\n"), await Run("ledger", "verify", "--sqlite", Db, "--public-key", PublicKey));
        var (exit, output) = await Run("ledger", "verify", "--sqlite", Db, "--public-key", PublicKey, "--checkpoints", Held);
        Assert.Equal(1, exit);
        Assert.Equal(
            $"BROKEN at sequence 6: checkpoint 6 says the chain's hash was {original.Hash[..12]}…, the ledger has {previous[..12]}…: history was rewritten (6 entries verified before it)\n",
            output);
    }

    [Fact]
    public async Task Checkpoints_writes_each_signed_checkpoint_as_a_json_line_and_never_overwrites_a_kept_file()
    {
        var ledger = await LedgerWith(3);
        await ledger.Append([Entry(4)]);
        var (tail, hash) = await ledger.Tail();
        var second = signer.Sign(tail, hash, new DateTimeOffset(2027, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1234567));
        await ledger.AddCheckpoint(second);

        Assert.Equal(0, (await Run("ledger", "checkpoints", "--sqlite", Db, "--output", Held)).Exit);
        var (exit, errors) = await Run("ledger", "checkpoints", "--sqlite", Db, "--output", Held);

        var lines = await File.ReadAllLinesAsync(Held);
        Assert.Equal(2, lines.Length);
        var last = JsonNode.Parse(lines[1])!.AsObject();
        Assert.Equal(["seq", "hash", "signedAt", "keyId", "signature"], last.Select(p => p.Key));
        Assert.Equal((4L, hash, "2027-01-02T03:04:05.123456Z", signer.KeyId, second.Signature),
            (last["seq"]!.GetValue<long>(), last["hash"]!.GetValue<string>(), last["signedAt"]!.GetValue<string>(), last["keyId"]!.GetValue<string>(), last["signature"]!.GetValue<string>()));
        Assert.Equal(2, exit);
        Assert.Contains(Held, errors, StringComparison.Ordinal);
        Assert.Equal((0, "valid: 4 entries, 2 checkpoints\n"), await Run("ledger", "verify", "--sqlite", Db, "--public-key", PublicKey, "--checkpoints", Held));
    }

    [Fact]
    public async Task Verify_of_a_mistyped_sqlite_path_is_error_2_naming_the_path_and_creates_nothing()
    {
        var missing = Path.Combine(folder, "ledgr.db");
        await File.WriteAllTextAsync(PublicKey, key.ExportSubjectPublicKeyInfoPem());

        var (exit, errors) = await Run("ledger", "verify", "--sqlite", missing, "--public-key", PublicKey);

        Assert.Equal(2, exit);
        Assert.Equal($"bpdp ledger verify: {missing}: no such ledger file (nothing was created).\n", errors);
        Assert.False(File.Exists(missing));
    }

    [Fact]
    public async Task Verify_leaves_the_sqlite_file_byte_for_byte_unchanged_and_creates_no_wal_or_shm_file()
    {
        // The writer is gone, as an auditor finds a ledger copied for verification.
        (await LedgerWith(5)).Dispose();
        await Tamper("");
        var before = await Sha256(Db);

        Assert.Equal((0, "valid: 5 entries, 1 checkpoints\n"), await Run("ledger", "verify", "--sqlite", Db, "--public-key", PublicKey));
        Assert.Equal(0, (await Run("ledger", "export", "--sqlite", Db)).Exit);
        Assert.Equal(0, (await Run("ledger", "checkpoints", "--sqlite", Db)).Exit);

        Assert.Equal(before, await Sha256(Db));
        Assert.False(File.Exists(Db + "-wal"));
        Assert.False(File.Exists(Db + "-shm"));
        await using var connection = new SqliteConnection($"Data Source={Db};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var triggers = connection.CreateCommand();
        triggers.CommandText = "SELECT group_concat(name) FROM sqlite_master WHERE type = 'trigger'";
        Assert.Equal("ledger_checkpoints_no_update", await triggers.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Verify_of_an_empty_ledger_is_error_2_unless_allow_empty_is_given()
    {
        await LedgerWith(0);

        var (exit, errors) = await Run("ledger", "verify", "--sqlite", Db, "--public-key", PublicKey);

        Assert.Equal(2, exit);
        Assert.Equal("bpdp ledger verify: the ledger has no entries: nothing to verify (a wrong path or schema?); pass --allow-empty if an empty ledger is expected.\n", errors);
        Assert.Equal((0, "valid: 0 entries, 0 checkpoints\n"), await Run("ledger", "verify", "--sqlite", Db, "--public-key", PublicKey, "--allow-empty"));
    }

    [Fact]
    public async Task A_mistyped_option_is_error_2_not_a_verdict()
    {
        await LedgerWith(2);

        var (exit, errors) = await Run("ledger", "verify", "--sqlite", Db, "--public-key", PublicKey, "--checkpiont", Held);

        Assert.Equal(2, exit);
        Assert.StartsWith("bpdp ledger verify: ", errors, StringComparison.Ordinal);
        Assert.Contains("--checkpiont", errors, StringComparison.Ordinal);
    }

    private static PendingEntry Entry(int n) => new(
        Guid.NewGuid(), Guid.NewGuid(), "PromoteDeployment", new DateTimeOffset(2027, 1, 1, 0, 0, n, TimeSpan.Zero), $$"""{"n":{{n}}}""");

    /// <summary>A ledger of <paramref name="entries"/> entries with a checkpoint of its tail, and its public key on disk.</summary>
    private async Task<SqliteLedger> LedgerWith(int entries)
    {
        var ledger = SqliteLedger.Open(Db);
        writers.Add(ledger);
        await ledger.Append([.. Enumerable.Range(1, entries).Select(Entry)]);
        if (entries > 0)
        {
            var (tail, hash) = await ledger.Tail();
            await ledger.AddCheckpoint(signer.Sign(tail, hash, DateTimeOffset.UtcNow));
        }

        await File.WriteAllTextAsync(PublicKey, key.ExportSubjectPublicKeyInfoPem());
        return ledger;
    }

    /// <summary>What someone with the file can do: drop the triggers and change anything.</summary>
    private async Task Tamper(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Db};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"DROP TRIGGER IF EXISTS ledger_entries_no_update; DROP TRIGGER IF EXISTS ledger_entries_no_delete; DROP TRIGGER IF EXISTS ledger_checkpoints_no_delete; {sql}";
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(path)));

    private static async Task<(int Exit, string Text)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var exit = await BpdpCli.Run(args, output, errors);
        return (exit, exit == 0 || exit == 1 ? output.ToString() : errors.ToString());
    }
}
