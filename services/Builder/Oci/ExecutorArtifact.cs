using Bpdp.Platform.Images;

namespace Bpdp.Builder.Oci;

/// <summary>The published executor binary, hashed once when loaded, so every build can find its cached layer by digest without rehashing it.</summary>
public sealed class ExecutorArtifact(byte[] binary)
{
    public byte[] Binary { get; } = binary;

    public string Digest { get; } = Blob.DigestOf(binary);

    public static async Task<ExecutorArtifact> Load(string path, CancellationToken cancel = default) => new(await File.ReadAllBytesAsync(path, cancel));
}
