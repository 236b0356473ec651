using System.CommandLine;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bpdp.Ledger.Api;
using Bpdp.Ledger.Verification;

namespace Bpdp.Cli.Commands;

/// <summary>
/// <c>bpdp ledger verify|export|checkpoints</c>: check the hash chain and checkpoints of a ledger — its
/// own and those an auditor kept — write its entries as JSON Lines, or write its signed checkpoints for
/// safekeeping. Every one opens the ledger read-only; exit codes as <see cref="LedgerAction"/>.
/// </summary>
internal static class LedgerCommand
{
    public static Command Create() =>
        new("ledger", "Read the ledger (read-only): verify its chain, export its entries, keep its checkpoints.") { Verify(), Export(), Checkpoints() };

    private static Command Verify()
    {
        var source = new LedgerSource();
        var publicKey = new Option<FileInfo?>("--public-key") { Description = "The ledger's checkpoint public key (PEM); with --workdir, taken from its keys. An auditor passes the copy they kept." };
        var held = new Option<FileInfo?>("--checkpoints") { Description = "Checkpoints kept from earlier (`bpdp ledger checkpoints` output); each must still match the ledger." };
        var allowEmpty = new Option<bool>("--allow-empty") { Description = "Accept a ledger with no entries as valid (otherwise exit 2)." };
        var output = new Option<string>("--output", "-o") { Description = "text or json.", DefaultValueFactory = _ => "text" };
        var verify = new Command("verify", "Recompute the hash chain from the first entry and check every signed checkpoint, stored or held; exit 0 valid, 1 invalid, 2 error.")
        {
            publicKey, held, allowEmpty, output,
        };
        foreach (var option in source.Options)
        {
            verify.Options.Add(option);
        }

        verify.Action = new LedgerAction("ledger verify", async (result, cancel) =>
        {
            var format = result.GetRequiredValue(output);
            if (format is not ("text" or "json"))
            {
                throw new LedgerUsageException($"--output is text or json, not '{format}'.");
            }

            var ledger = source.Open(result);
            using var key = source.Key(result, publicKey);
            var checkpoints = result.GetValue(held) is { } file
                ? await CheckpointFile.Read(file.Exists ? file.FullName : throw new LedgerUsageException($"{file.FullName}: no such checkpoints file."), cancel)
                : [];
            if ((await ledger.Tail(cancel)).Sequence == 0 && !result.GetValue(allowEmpty))
            {
                throw new LedgerUsageException("the ledger has no entries: nothing to verify (a wrong path or schema?); pass --allow-empty if an empty ledger is expected.");
            }

            var verdict = await LedgerVerifier.Verify(ledger, key, checkpoints, cancel);
            var stdout = result.InvocationConfiguration.Output;
            if (format == "json")
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

            return verdict.Valid ? LedgerAction.Valid : LedgerAction.Invalid;
        });
        return verify;
    }

    private static Command Export()
    {
        var source = new LedgerSource();
        var from = new Option<long>("--from") { Description = "First sequence to export.", DefaultValueFactory = _ => 1 };
        var to = new Option<long>("--to") { Description = "Last sequence to export (default: the tail).", DefaultValueFactory = _ => long.MaxValue };
        var export = new Command("export", "Write the entries as JSON Lines, every hashed field as it was hashed, for auditors' own tools.") { from, to };
        foreach (var option in source.Options)
        {
            export.Options.Add(option);
        }

        export.Action = new LedgerAction("ledger export", async (result, cancel) =>
        {
            var ledger = source.Open(result);
            var last = Math.Min(result.GetValue(to), (await ledger.Tail(cancel)).Sequence);
            await result.InvocationConfiguration.Output.WriteAsync(await LedgerExport.ToJsonLines(ledger, result.GetValue(from), last, cancel));
            return 0;
        });
        return export;
    }

    private static Command Checkpoints()
    {
        var source = new LedgerSource();
        var output = new Option<FileInfo?>("--output", "-o") { Description = "The file to write (default: standard output); an existing file is never overwritten." };
        var checkpoints = new Command("checkpoints", "Write the ledger's signed checkpoints as JSON Lines, to keep outside the ledger and pass to `verify --checkpoints` later.") { output };
        foreach (var option in source.Options)
        {
            checkpoints.Options.Add(option);
        }

        checkpoints.Action = new LedgerAction("ledger checkpoints", async (result, cancel) =>
        {
            var signed = await source.Open(result).Checkpoints(cancel);
            if (result.GetValue(output) is { } file)
            {
                // CreateNew: an earlier set of held checkpoints is the evidence; a later run must not replace it.
                await using var stream = new FileStream(file.FullName, FileMode.CreateNew, FileAccess.Write);
                await using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
                await CheckpointFile.Write(signed, writer, cancel);
                await result.InvocationConfiguration.Error.WriteLineAsync($"{signed.Count} checkpoints written to {file.FullName}");
            }
            else
            {
                await CheckpointFile.Write(signed, result.InvocationConfiguration.Output, cancel);
            }

            return 0;
        });
        return checkpoints;
    }
}
