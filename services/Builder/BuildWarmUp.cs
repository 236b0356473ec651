using System.Diagnostics;
using Bpdp.Builder.Oci;

namespace Bpdp.Builder;

/// <summary>
/// Reads the executor, pulls the base image and builds the executor layer when the Builder starts, rather than when
/// the first approval arrives: the first deployment after a start then waits for none of it. A failure here is only
/// logged: the first build tries again and fails that deployment with the reason.
/// </summary>
internal sealed class BuildWarmUp(BuildInputs inputs, PolicyImageBuilder builder, ILogger<BuildWarmUp> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var (executor, baseImage) = await inputs.Get(stoppingToken);
            await Task.Run(() => builder.Prepare(executor), stoppingToken);
            logger.LogInformation("Build inputs ready in {Elapsed} ms: executor {Digest} and its layer{Base}", (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                executor.Digest, baseImage is null ? "" : $", base image {baseImage.Digest}");
        }
        catch (Exception error) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogWarning("Build inputs could not be prepared at start: {Error}; the first build tries again", error.Message);
        }
    }
}
