namespace Bpdp.Cli.Commands;

/// <summary>An image in an OCI layout named the way skopeo's <c>oci:</c> transport does: <c>DIR[:ref]</c>.</summary>
internal static class LayoutReference
{
    public const string DefaultRef = "latest";

    public static (string Directory, string Reference) Parse(string text)
    {
        var colon = text.LastIndexOf(':');
        return colon > 0 && !text[(colon + 1)..].Contains('/', StringComparison.Ordinal) && !text.EndsWith(':')
            ? (text[..colon], text[(colon + 1)..])
            : (text.TrimEnd(':'), DefaultRef);
    }
}
