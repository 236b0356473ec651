using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Bpdp.Ledger.Chain;

/// <summary>
/// The chain's hash construction, exactly as docs/ledger.md states it for auditors:
/// <c>hash = lowercase hex SHA-256 of the UTF-8 bytes of</c>
/// <code>
/// previous_hash \n sequence \n message_id \n deployment_id \n message_type \n occurred_at \n recorded_at \n payload
/// </code>
/// with UUIDs lowercase and hyphenated, times in UTC as <c>yyyy-MM-ddTHH:mm:ss.ffffffZ</c>, and no
/// newline after the payload. The first entry's previous hash is 64 zeros.
/// </summary>
public static class LedgerHash
{
    public static readonly string Genesis = new('0', 64);

    /// <summary>The hash of <paramref name="entry"/>'s fields (its own <see cref="LedgerEntry.Hash"/> is not among them).</summary>
    public static string Of(LedgerEntry entry) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Preimage(entry))));

    /// <summary>Times are hashed at microsecond precision, PostgreSQL's, so what is stored is what was hashed.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset time) => new(time.UtcTicks - time.UtcTicks % 10, TimeSpan.Zero);

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static string Preimage(LedgerEntry entry) =>
        string.Join('\n',
            entry.PreviousHash,
            entry.Sequence.ToString(CultureInfo.InvariantCulture),
            entry.MessageId.ToString("D"),
            entry.DeploymentId.ToString("D"),
            entry.MessageType,
            Time(entry.OccurredAt),
            Time(entry.RecordedAt),
            entry.Payload);
}
