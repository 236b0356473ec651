using System.Globalization;
using System.Text;
using System.Text.Json;
using Bpdp.Ledger.Chain;

namespace Bpdp.Ledger.Api;

/// <summary>
/// Checkpoints as JSON Lines, for an auditor to keep outside the ledger: one checkpoint per line,
/// <c>{"seq":…,"hash":…,"signedAt":…,"keyId":…,"signature":…}</c>, <c>signedAt</c> exactly as signed
/// (UTC, <c>yyyy-MM-ddTHH:mm:ss.ffffffZ</c>), so the signed bytes can be rebuilt from the line alone.
/// </summary>
public static class CheckpointFile
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task Write(IEnumerable<Checkpoint> checkpoints, TextWriter output, CancellationToken cancel = default)
    {
        foreach (var checkpoint in checkpoints)
        {
            await output.WriteAsync(JsonSerializer.Serialize(CheckpointView.Of(checkpoint), Json).AsMemory(), cancel);
            await output.WriteAsync("\n".AsMemory(), cancel);
        }

        await output.FlushAsync(cancel);
    }

    /// <summary>Reads a file <see cref="Write"/> wrote; blank lines are skipped. Throws <see cref="FormatException"/> naming the line that is not a checkpoint.</summary>
    public static async Task<IReadOnlyList<Checkpoint>> Read(string path, CancellationToken cancel = default)
    {
        var checkpoints = new List<Checkpoint>();
        var number = 0;
        foreach (var line in await File.ReadAllLinesAsync(path, Encoding.UTF8, cancel))
        {
            number++;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            try
            {
                var view = JsonSerializer.Deserialize<CheckpointView>(line, Json) ?? throw new JsonException("null");
                checkpoints.Add(new Checkpoint(view.Sequence, view.Hash, ParseTime(view.SignedAt), view.KeyId, view.Signature));
            }
            catch (Exception error) when (error is JsonException or FormatException or ArgumentNullException)
            {
                throw new FormatException($"{path}:{number}: not a checkpoint ({error.Message})", error);
            }
        }

        return checkpoints;
    }

    private static DateTimeOffset ParseTime(string text) => LedgerHash.Truncate(
        DateTimeOffset.ParseExact(text, "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal));
}
