namespace Bpdp.Scanner.Secrets;

/// <summary>Tells text from binary by content, as git does: a NUL byte in the first 8000 bytes means binary, whatever the file is called.</summary>
public static class ContentSniffer
{
    private const int Window = 8000;

    public static bool IsBinary(ReadOnlySpan<byte> content) => content[..Math.Min(content.Length, Window)].Contains((byte)0);
}
