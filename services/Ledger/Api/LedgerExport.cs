using System.Text;
using System.Text.Json;
using Bpdp.Ledger.Storage;

namespace Bpdp.Ledger.Api;

/// <summary>Writes a range of entries as JSON Lines: one entry per line, every hashed field as it was hashed.</summary>
public static class LedgerExport
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    public static async Task<long> WriteJsonLines(ILedgerReader ledger, long fromSequence, long toSequence, Stream output, CancellationToken cancel = default)
    {
        var written = 0L;
        await foreach (var entry in ledger.Entries(fromSequence, toSequence, cancel))
        {
            await JsonSerializer.SerializeAsync(output, EntryView.Of(entry), Json, cancel);
            await output.WriteAsync(NewLine, cancel);
            written++;
        }

        await output.FlushAsync(cancel);
        return written;
    }

    /// <summary>The same as text, for small ranges and tests.</summary>
    public static async Task<string> ToJsonLines(ILedgerReader ledger, long fromSequence, long toSequence, CancellationToken cancel = default)
    {
        using var buffer = new MemoryStream();
        await WriteJsonLines(ledger, fromSequence, toSequence, buffer, cancel);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
