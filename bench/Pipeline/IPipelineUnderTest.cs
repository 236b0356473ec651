using Bpdp.Contracts;
using Bpdp.Pipeline.Observing;

namespace Bpdp.Bench.Pipeline;

/// <summary>A running pipeline the benchmark drives: approvals in, every pipeline message recorded as it arrives.</summary>
internal interface IPipelineUnderTest : IAsyncDisposable
{
    string Name { get; }

    PipelineRecorder Recorder { get; }

    /// <summary>The key id approvals are signed under; the Builder trusts it.</summary>
    string KeyId { get; }

    Task Approve(ArtifactApproved approval);
}
