using System.Security.Cryptography;

namespace Bpdp.Notifier.Sinks;

/// <summary>The <c>X-Bpdp-Signature</c> header, as GitHub signs its webhooks: <c>sha256=</c> and the hex HMAC-SHA256 of the body.</summary>
public static class WebhookSignature
{
    public const string Header = "X-Bpdp-Signature";

    public static string Of(ReadOnlySpan<byte> body, ReadOnlySpan<byte> secret) => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(secret, body));

    /// <summary>True when <paramref name="header"/> is the signature of <paramref name="body"/>: what a receiver checks, in constant time.</summary>
    public static bool Verify(ReadOnlySpan<byte> body, ReadOnlySpan<byte> secret, string? header)
    {
        if (header is null)
        {
            return false;
        }

        var expected = System.Text.Encoding.ASCII.GetBytes(Of(body, secret));
        var given = System.Text.Encoding.ASCII.GetBytes(header);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
