using System.Security.Cryptography;
using System.Text;

namespace Bpdp.Platform.Bus;

/// <summary>
/// Message ids derived from content, so a message published again — after a crash, or by a sender that
/// set no id — is recognised as the same message by every consumer that dedupes on ids.
/// </summary>
public static class DeterministicIds
{
    /// <summary>A version-5-style UUID from the SHA-256 of <paramref name="content"/>.</summary>
    public static Guid From(ReadOnlySpan<byte> content)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(content, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }

    public static Guid From(string content) => From(Encoding.UTF8.GetBytes(content));
}
