using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bpdp.Ledger.Api;
using Bpdp.Ledger.Storage;
using Bpdp.Ledger.Verification;
using Npgsql;

namespace Bpdp.Cli.Commands;

/// <summary><c>bpdp ledger verify|export</c>: check the hash chain and checkpoints of a ledger, or write its entries as JSON Lines.</summary>
internal static class LedgerCommand
{
    public static Command Create()
    {
        var workdir = new Option<DirectoryInfo?>("--workdir") { Description = "A `bpdp demo --workdir` folder: its ledger.db and keys/ledger.key.pem." };
        var sqlite = new Option<FileInfo?>("--sqlite") { Description = "A SQLite ledger file." };
        var postgres = new Option<string?>("--postgres") { Description = "A PostgreSQL connection string (a role that may SELECT the ledger)." };
        var schema = new Option<string>("--schema") { Description = "The ledger's PostgreSQL schema.", DefaultValueFactory = _ => "ledger" };
        var publicKey = new Option<FileInfo?>("--public-key") { Description = "The ledger's checkpoint public key (PEM); with --workdir, taken from its keys." };
        var output = new Option<string>("--output", "-o") { Description = "text or json.", DefaultValueFactory = _ => "text" };
        output.AcceptOnlyFromAmong("text", "json");
        var from = new Option<long>("--from") { Description = "First sequence to export.", DefaultValueFactory = _ => 1 };
        var to = new Option<long>("--to") { Description = "Last sequence to export (default: the tail).", DefaultValueFactory = _ => long.MaxValue };

        var verify = new Command("verify", "Recompute the hash chain from the first entry and check every signed checkpoint; exit 1 when anything is wrong.")
        {
            workdir, sqlite, postgres, schema, publicKey, output,
        };
        verify.SetAction(async (result, cancel) =>
        {
            var stderr = result.InvocationConfiguration.Error;
            if (Open(result.GetValue(workdir), result.GetValue(sqlite), result.GetValue(postgres), result.GetRequiredValue(schema)) is not { } ledger)
            {
                await stderr.WriteLineAsync("bpdp ledger: name the ledger with --workdir, --sqlite or --postgres.");
                return 2;
            }

            using var key = PublicKey(result.GetValue(workdir), result.GetValue(publicKey));
            if (key is null)
            {
                await stderr.WriteLineAsync("bpdp ledger verify: give --public-key (the ledger's checkpoint public key), or --workdir.");
                return 2;
            }

            var verdict = await LedgerVerifier.Verify(ledger, key, cancel: cancel);
            var stdout = result.InvocationConfiguration.Output;
            if (result.GetValue(output) == "json")
            {
                await stdout.WriteLineAsync(new JsonObject
                {
                    ["valid"] = verdict.Valid,
                    ["entries"] = verdict.VerifiedEntries,
                    ["checkpoints"] = verdict.Checkpoints,
                    ["firstBadSequence"] = verdict.FirstBadSequence,
                    ["problem"] = verdict.Reason,
                }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            }
            else
            {
                await stdout.WriteLineAsync(verdict.Valid
                    ? $"valid: {verdict.VerifiedEntries} entries, {verdict.Checkpoints} checkpoints"
                    : $"BROKEN at sequence {verdict.FirstBadSequence}: {verdict.Reason} ({verdict.VerifiedEntries} entries verified before it)");
            }

            return verdict.Valid ? 0 : 1;
        });

        var export = new Command("export", "Write the entries as JSON Lines, every hashed field as it was hashed, for auditors' own tools.")
        {
            workdir, sqlite, postgres, schema, from, to,
        };
        export.SetAction(async (result, cancel) =>
        {
            if (Open(result.GetValue(workdir), result.GetValue(sqlite), result.GetValue(postgres), result.GetRequiredValue(schema)) is not { } ledger)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync("bpdp ledger: name the ledger with --workdir, --sqlite or --postgres.");
                return 2;
            }

            var last = Math.Min(result.GetValue(to), (await ledger.Tail(cancel)).Sequence);
            await result.InvocationConfiguration.Output.WriteAsync(await LedgerExport.ToJsonLines(ledger, result.GetValue(from), last, cancel));
            return 0;
        });

        return new Command("ledger", "Read the ledger: verify its chain, export its entries.") { verify, export };
    }

    private static ILedgerReader? Open(DirectoryInfo? workdir, FileInfo? sqlite, string? postgres, string schema) =>
        workdir is not null ? SqliteLedger.Open(Path.Combine(workdir.FullName, "ledger.db"))
        : sqlite is not null ? SqliteLedger.Open(sqlite.FullName)
        : postgres is not null ? new PostgresLedger(NpgsqlDataSource.Create(postgres), schema)
        : null;

    private static ECDsa? PublicKey(DirectoryInfo? workdir, FileInfo? publicKey)
    {
        var path = publicKey?.FullName ?? (workdir is null ? null : Path.Combine(workdir.FullName, "keys", "ledger.key.pem"));
        if (path is null)
        {
            return null;
        }

        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(path));
        return key;
    }
}
