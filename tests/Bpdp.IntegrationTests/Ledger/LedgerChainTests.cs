using System.Diagnostics;
using System.Text.RegularExpressions;
using Bpdp.IntegrationTests.Servers;
using Bpdp.Ledger.Chain;
using Bpdp.Ledger.Verification;
using Bpdp.Testing;
using Npgsql;

namespace Bpdp.IntegrationTests.Ledger;

/// <summary>The chain in real PostgreSQL: append, dedupe, append-only enforcement, and tampering caught by verify and by the auditor's recipe.</summary>
[Collection(RealServersCollection.Name)]
public sealed class LedgerChainTests(RealServers servers)
{
    private static PendingEntry Entry(Guid deployment, int n, Guid? id = null) => new(
        id ?? Guid.NewGuid(), deployment, n % 2 == 0 ? "StageTimedOut" : "PromoteDeployment",
        new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero).AddMilliseconds(n * 1.0001),
        $$"""{"deploymentId":"{{deployment}}","n":{{n}},"note":"multi-line\nand ünïcode ✓"}""");

    private async Task<LedgerDatabase> LedgerWith(int entries)
    {
        var database = await LedgerDatabase.Create(await servers.Postgres());
        var deployment = Guid.NewGuid();
        await database.Ledger.Append([.. Enumerable.Range(1, entries).Select(n => Entry(deployment, n))]);
        return database;
    }

    [Fact]
    public async Task Appends_form_one_valid_chain_and_a_redelivery_changes_nothing()
    {
        await using var database = await LedgerDatabase.Create(await servers.Postgres());
        var deployment = Guid.NewGuid();
        var first = Enumerable.Range(1, 5).Select(n => Entry(deployment, n)).ToList();

        Assert.Equal(5, await database.Ledger.Append(first));
        Assert.Equal(0, await database.Ledger.Append(first));
        Assert.Equal(1, await database.Ledger.Append([first[2], Entry(deployment, 6), first[4]]));

        var timeline = await database.Ledger.Timeline(deployment);
        Assert.Equal([1L, 2, 3, 4, 5, 6], timeline.Select(e => e.Sequence));
        Assert.Equal(LedgerHash.Genesis, timeline[0].PreviousHash);
        Assert.All(timeline.Skip(1), (e, i) => Assert.Equal(timeline[i].Hash, e.PreviousHash));
        var result = await LedgerVerifier.Verify(database.Ledger, database.Key);
        Assert.True(result.Valid, result.Reason);
        Assert.Equal(6, result.VerifiedEntries);
    }

    [Fact]
    public async Task Concurrent_appenders_extend_one_chain()
    {
        await using var database = await LedgerDatabase.Create(await servers.Postgres());

        await Task.WhenAll(Enumerable.Range(0, 8).Select(async worker =>
        {
            var deployment = Guid.NewGuid();
            for (var batch = 0; batch < 10; batch++)
            {
                await database.Ledger.Append([.. Enumerable.Range(batch * 10, 10).Select(n => Entry(deployment, n))]);
            }
        }));

        var result = await LedgerVerifier.Verify(database.Ledger, database.Key);
        Assert.True(result.Valid, result.Reason);
        Assert.Equal(800, result.VerifiedEntries);
    }

    [Theory]
    [InlineData("UPDATE {schema}.ledger_entries SET payload = '{}' WHERE seq = 1")]
    [InlineData("DELETE FROM {schema}.ledger_entries WHERE seq = 1")]
    [InlineData("TRUNCATE {schema}.ledger_entries")]
    [InlineData("DELETE FROM {schema}.ledger_checkpoints")]
    public async Task Even_the_owner_cannot_change_or_remove_entries(string sql)
    {
        await using var database = await LedgerWith(3);
        var (tail, hash) = await database.Ledger.Tail();
        await database.Ledger.AddCheckpoint(database.Signer.Sign(tail, hash, DateTimeOffset.UtcNow));

        await using var command = database.Owner.CreateCommand(sql.Replace("{schema}", database.Schema, StringComparison.Ordinal));
        var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        Assert.Contains("append-only", error.MessageText, StringComparison.Ordinal);
        Assert.Single(await database.Ledger.Checkpoints());
        Assert.Equal(3, await database.Count());
    }

    [Theory]
    [InlineData("UPDATE {schema}.ledger_entries SET payload = '{}' WHERE seq = 1")]
    [InlineData("DELETE FROM {schema}.ledger_entries WHERE seq = 1")]
    public async Task The_service_role_may_only_insert_and_select(string sql)
    {
        await using var database = await LedgerWith(3);

        await using var command = database.Service.CreateCommand(sql.Replace("{schema}", database.Schema, StringComparison.Ordinal));
        var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
    }

    public static TheoryData<string, string, long, string> Tampering() => new()
    {
        { "payload edited", "UPDATE {schema}.ledger_entries SET payload = replace(payload, '\"n\":4', '\"n\":40') WHERE seq = 4", 4, "fields were changed" },
        { "row deleted", "DELETE FROM {schema}.ledger_entries WHERE seq = 5", 5, "missing" },
        {
            "rows reordered",
            "UPDATE {schema}.ledger_entries SET seq = 1000003 WHERE seq = 3; UPDATE {schema}.ledger_entries SET seq = 3 WHERE seq = 4; "
                + "UPDATE {schema}.ledger_entries SET seq = 4 WHERE seq = 1000003",
            3,
            "does not link"
        },
        { "tail truncated", "DELETE FROM {schema}.ledger_entries WHERE seq > 6", 8, "tail was truncated" },
    };

    [Theory]
    [MemberData(nameof(Tampering))]
    public async Task Verify_names_the_first_tampered_entry(string kind, string sql, long badSequence, string why)
    {
        await using var database = await LedgerWith(8);
        var (tail, hash) = await database.Ledger.Tail();
        await database.Ledger.AddCheckpoint(database.Signer.Sign(tail, hash, DateTimeOffset.UtcNow));
        Assert.True((await LedgerVerifier.Verify(database.Ledger, database.Key)).Valid);

        await database.Tamper(sql);

        var result = await LedgerVerifier.Verify(database.Ledger, database.Key);
        Assert.False(result.Valid, kind);
        Assert.Equal(badSequence, result.FirstBadSequence);
        Assert.Contains(why, result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_checkpoint_held_by_an_auditor_catches_a_rewritten_history()
    {
        await using var database = await LedgerWith(6);
        var (tail, hash) = await database.Ledger.Tail();
        var held = database.Signer.Sign(tail, hash, DateTimeOffset.UtcNow);

        // Rewrite entry 6 and re-hash it consistently, so the chain alone still looks valid.
        var six = await database.Ledger.Entries(6, 6).SingleAsync();
        var forged = six with { Payload = "{\"forged\":true}" };
        forged = forged with { Hash = LedgerHash.Of(forged) };
        await database.Tamper($"UPDATE {{schema}}.ledger_entries SET payload = '{forged.Payload}', hash = '{forged.Hash}' WHERE seq = 6");
        Assert.True((await LedgerVerifier.Verify(database.Ledger, database.Key)).Valid);

        var result = await LedgerVerifier.Verify(database.Ledger, database.Key, [held]);

        Assert.False(result.Valid);
        Assert.Contains("history was rewritten", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_documented_psql_and_sha256sum_recipe_agrees_with_verify()
    {
        await using var database = await LedgerWith(12);
        var (_, tailHash) = await database.Ledger.Tail();

        var valid = await RunAuditRecipe(database);
        Assert.Equal($"OK 12 entries, last hash {tailHash}", valid);

        await database.Tamper("UPDATE {schema}.ledger_entries SET message_type = 'AbortDeployment' WHERE seq = 7");
        var tampered = await RunAuditRecipe(database);
        var verdict = await LedgerVerifier.Verify(database.Ledger, database.Key);
        Assert.StartsWith($"BAD {verdict.FirstBadSequence}:", tampered, StringComparison.Ordinal);
        Assert.Equal(7, verdict.FirstBadSequence);
    }

    [Fact]
    public async Task A_different_payload_under_a_recorded_message_id_is_recorded_as_a_conflict_entry_with_both_payload_hashes()
    {
        await using var database = await LedgerDatabase.Create(await servers.Postgres());
        var deployment = Guid.NewGuid();
        var original = Entry(deployment, 1);
        var forged = original with { Payload = $$"""{"deploymentId":"{{deployment}}","n":666}""" };

        Assert.Equal(1, await database.Ledger.Append([original]));
        Assert.Equal(0, await database.Ledger.Append([original]));
        Assert.Equal(1, await database.Ledger.Append([forged, original]));
        Assert.Equal(0, await database.Ledger.Append([forged]));

        var timeline = await database.Ledger.Timeline(deployment);
        Assert.Equal(["PromoteDeployment", "MessageIdConflict"], timeline.Select(e => e.MessageType));
        var conflict = System.Text.Json.JsonDocument.Parse(timeline[1].Payload).RootElement;
        Assert.Equal(
            (original.MessageId.ToString(), Sha256(original.Payload), Sha256(forged.Payload), forged.Payload),
            (conflict.GetProperty("messageId").GetString(), conflict.GetProperty("recordedPayloadSha256").GetString(),
                conflict.GetProperty("payloadSha256").GetString(), conflict.GetProperty("payload").GetString()));
        Assert.True((await LedgerVerifier.Verify(database.Ledger, database.Key)).Valid);
    }

    [Fact]
    public async Task The_documented_openssl_recipe_checks_held_checkpoints_and_catches_a_rehashed_entry()
    {
        await using var database = await LedgerWith(6);
        var three = await database.Ledger.Entries(3, 3).SingleAsync();
        var (_, six) = await database.Ledger.Tail();
        var held = Path.Combine(Path.GetTempPath(), $"bpdp-held-{Guid.NewGuid():N}.jsonl");
        var publicKey = Path.ChangeExtension(held, ".pub.pem");
        await using (var writer = File.CreateText(held))
        {
            await Bpdp.Ledger.Api.CheckpointFile.Write(
                [database.Signer.Sign(3, three.Hash, DateTimeOffset.UtcNow), database.Signer.Sign(6, six, DateTimeOffset.UtcNow)], writer);
        }

        await File.WriteAllTextAsync(publicKey, database.Key.ExportSubjectPublicKeyInfoPem());
        var environment = new Dictionary<string, string> { ["HELD"] = held, ["PUBLIC_KEY"] = publicKey };

        Assert.Equal($"OK 3 {three.Hash}\nOK 6 {six}", await RunRecipe(database, "checkpoint-recipe", environment));

        var entry = await database.Ledger.Entries(6, 6).SingleAsync();
        var forged = entry with { Payload = "{\"forged\":true}" };
        forged = forged with { Hash = LedgerHash.Of(forged) };
        await database.Tamper($"UPDATE {{schema}}.ledger_entries SET payload = '{forged.Payload}', hash = '{forged.Hash}' WHERE seq = 6");
        Assert.Equal(
            $"OK 3 {three.Hash}\nBAD 6: the ledger's hash is {forged.Hash}, the checkpoint's {six} (history was rewritten)",
            await RunRecipe(database, "checkpoint-recipe", environment));
        File.Delete(held);
        File.Delete(publicKey);
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    private static Task<string> RunAuditRecipe(LedgerDatabase database) => RunRecipe(database, "audit-recipe", new Dictionary<string, string>());

    /// <summary>Runs the script block of docs/ledger.md marked with <paramref name="marker"/> with bash, psql, sha256sum, jq and openssl.</summary>
    private static async Task<string> RunRecipe(LedgerDatabase database, string marker, Dictionary<string, string> environment)
    {
        var doc = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "docs", "ledger.md"));
        var script = Regex.Match(doc, $@"<!-- {marker} -->\s*```sh\n(.*?)```", RegexOptions.Singleline).Groups[1].Value;
        Assert.NotEmpty(script);
        var path = Path.Combine(Path.GetTempPath(), $"bpdp-audit-{Guid.NewGuid():N}.sh");
        await File.WriteAllTextAsync(path, script);
        var connection = new NpgsqlConnectionStringBuilder(database.OwnerConnectionString);
        var start = new ProcessStartInfo("bash", [path])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["PGHOST"] = connection.Host,
                ["PGPORT"] = connection.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["PGUSER"] = connection.Username,
                ["PGDATABASE"] = connection.Database,
                ["LEDGER_SCHEMA"] = database.Schema,
            },
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        File.Delete(path);
        Assert.True(errors.Length == 0, errors);
        return output.Trim();
    }
}
