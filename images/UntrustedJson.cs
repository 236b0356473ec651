using System.Text.Json;

namespace Bpdp.Images;

/// <summary>How JSON from outside (an index, a manifest) is parsed: shallow, and a member named twice is an error, not a choice.</summary>
internal static class UntrustedJson
{
    public static readonly JsonDocumentOptions Options = new() { MaxDepth = 32, AllowDuplicateProperties = false };
}
