using Bpdp.Contracts;
using Bpdp.Images;
using Bpdp.Images.Registry;
using Bpdp.Platform.Bus;
using Bpdp.Scanner.Sbom;
using Bpdp.Scanner.Signing;
using MassTransit;

namespace Bpdp.Scanner.Consumers;

/// <summary>
/// Reads the quarantined image by digest, scans it, stores its SBOM beside it (an OCI artifact whose subject
/// is the image) and publishes <see cref="ImageScanned"/> with every finding, redacted, signed with its key. A store that stays
/// unreachable ends the deployment with <see cref="DeploymentFailed"/>. A redelivered message scans again
/// and publishes the same event under the same message id.
/// </summary>
public sealed class ImageBuiltConsumer(ImageScannerFactory scanners, IImageStore store, VerdictSigner signer, TimeProvider time, ILogger<ImageBuiltConsumer> logger) : IConsumer<ImageBuilt>
{
    public async Task Consume(ConsumeContext<ImageBuilt> context)
    {
        var built = context.Message;
        var started = time.GetTimestamp();
        ScanReport report;
        string sbomDigest;
        try
        {
            var repository = store.Unqualify(built.Image.Repository);
            // The manifest and config only: layers scanned before (other versions share the base and executor layers) are not read.
            var where = $"{built.Image.Repository}@{built.Image.Digest}";
            var imageManifest = await store.GetManifest(repository, built.Image.Digest, context.CancellationToken);
            var parsed = ImageManifest.Parse(imageManifest, where, store.Limits);
            var imageConfig = await store.GetBlob(repository, parsed.Config, where, context.CancellationToken);
            report = await scanners.Create().Scan(imageManifest, imageConfig, parsed.Layers,
                (layer, cancel) => store.GetBlob(repository, layer, where, cancel), built.Image.Repository, context.CancellationToken);
            var (manifest, config, sbom) = CycloneDxSbom.AsArtifact(imageManifest, report.Sbom);
            await store.PutBlob(repository, config, context.CancellationToken);
            await store.PutBlob(repository, sbom, context.CancellationToken);
            await store.PutManifest(repository, manifest, cancel: context.CancellationToken);
            sbomDigest = manifest.Digest;
        }
        catch (Exception error) when (ImageStoreFailure.Is(error, context.CancellationToken))
        {
            logger.LogError("Deployment {DeploymentId}: {Image} could not be scanned: {Error}", built.DeploymentId, built.Image, error.Message);
            await context.PublishOnce(new DeploymentFailed(built.DeploymentId, time.GetUtcNow(), built.Target, PipelineStage.Scanner,
                $"{built.Image} could not be scanned: {error.Message}"), PipelineStage.Scanner);
            return;
        }

        var blocking = report.Findings.Where(f => f.Blocking).ToList();
        logger.LogInformation("Deployment {DeploymentId}: scanned {Image}: {Files} files, {Packages} packages, {Findings} findings, {Blocking} blocking ({Rules}) in {Elapsed} ms",
            built.DeploymentId, built.Image, report.FilesScanned, report.Packages, report.Findings.Count, blocking.Count,
            string.Join(", ", blocking.Select(f => f.Finding.RuleId).Distinct()), (int)time.GetElapsedTime(started).TotalMilliseconds);
        var verdict = new ImageScanned(built.DeploymentId, time.GetUtcNow(), built.Target, built.Image, report.Passed, report.Reported, sbomDigest);
        await context.PublishOnce(signer.Sign(verdict), PipelineStage.Scanner);
    }
}
