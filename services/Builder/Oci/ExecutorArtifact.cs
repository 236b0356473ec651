using Bpdp.Images;

namespace Bpdp.Builder.Oci;

/// <summary>
/// The published executor binary and, when published beside it, its <c>.deps.json</c> (the NuGet packages it
/// was built from, which the Scanner turns into the SBOM). Hashed once when loaded, so every build finds its
/// cached layer by digest without rehashing it.
/// </summary>
public sealed class ExecutorArtifact(byte[] binary, byte[]? depsJson = null)
{
    public byte[] Binary { get; } = binary;

    public byte[]? DepsJson { get; } = depsJson;

    public string Digest { get; } = depsJson is null ? Blob.DigestOf(binary) : Blob.DigestOf([.. Blob.DigestOf(binary).Select(c => (byte)c), .. Blob.DigestOf(depsJson).Select(c => (byte)c)]);

    /// <summary>Reads the binary and <c>&lt;binary&gt;.deps.json</c> beside it, if there is one.</summary>
    public static async Task<ExecutorArtifact> Load(string path, CancellationToken cancel = default)
    {
        var deps = path + ".deps.json";
        return new(await File.ReadAllBytesAsync(path, cancel), File.Exists(deps) ? await File.ReadAllBytesAsync(deps, cancel) : null);
    }
}
