using Bpdp.Builder.Oci;
using Bpdp.Contracts;
using Bpdp.Images;
using Microsoft.Extensions.Options;

namespace Bpdp.Builder;

/// <summary>What every build reuses: the executor binary (read and hashed once) and the base image (pulled by digest once).</summary>
public sealed class BuildInputs(IOptions<BuilderOptions> options, IImageStore store)
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private ExecutorArtifact? executor;
    private OciImage? baseImage;

    public async Task<(ExecutorArtifact Executor, OciImage? BaseImage)> Get(CancellationToken cancel)
    {
        await gate.WaitAsync(cancel);
        try
        {
            var settings = options.Value;
            if (executor is null)
            {
                executor = File.Exists(settings.ExecutorBinary)
                    ? await ExecutorArtifact.Load(settings.ExecutorBinary, cancel)
                    : throw new FileNotFoundException($"Builder:ExecutorBinary names '{settings.ExecutorBinary}', which does not exist: run scripts/publish-executor.sh.");
            }

            if (baseImage is null && settings.BaseImage is { } reference)
            {
                var image = ImageReference.Parse(reference);
                baseImage = await store.PullImage(image.Repository, image.Digest, cancel);
            }

            return (executor, baseImage);
        }
        finally
        {
            gate.Release();
        }
    }
}
