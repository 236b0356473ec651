using System.Security.Cryptography;
using Bpdp.Contracts;
using Bpdp.Pipeline.Observing;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Bpdp.Bench.Pipeline;

/// <summary>Every stage in this process, as `bpdp demo` runs them, with the given gate settings.</summary>
internal sealed class EmbeddedPipeline : IPipelineUnderTest
{
    private readonly WebApplication app;
    private readonly string workdir;
    private readonly List<ArtifactApproved> approved = [];

    private EmbeddedPipeline(WebApplication app, string workdir, PipelineRecorder recorder)
    {
        this.app = app;
        this.workdir = workdir;
        Recorder = recorder;
    }

    public string Name => "embedded";

    public PipelineRecorder Recorder { get; }

    public string KeyId => Bpdp.Pipeline.Embedded.EmbeddedPipeline.ApproverKeyId;

    /// <summary>The pipeline's services, for measuring its stages' own checks in this process.</summary>
    public IServiceProvider Services => app.Services;

    /// <summary>Every approval given to the pipeline, in order.</summary>
    public IReadOnlyList<ArtifactApproved> Approved => approved;

    public static async Task<EmbeddedPipeline> Start(string executor, ECDsa approvalKey, IReadOnlyDictionary<string, string?> gate)
    {
        var workdir = Directory.CreateTempSubdirectory("bpdp-bench-embedded-").FullName;
        var recorder = new PipelineRecorder();
        var app = Bpdp.Pipeline.Embedded.EmbeddedPipeline.Build(workdir, executor, approvalKey, recorder, gate);
        await app.StartAsync();
        return new EmbeddedPipeline(app, workdir, recorder);
    }

    public Task Approve(ArtifactApproved approval)
    {
        approved.Add(approval);
        return app.Services.GetRequiredService<IPublishEndpoint>().Publish(approval);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        Directory.Delete(workdir, recursive: true);
    }
}
