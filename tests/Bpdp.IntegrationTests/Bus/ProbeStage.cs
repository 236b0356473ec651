using Bpdp.Contracts;
using Bpdp.Platform.Bus;
using Bpdp.Testing;
using MassTransit;

namespace Bpdp.IntegrationTests.Bus;

/// <summary>A stand-in stage consuming approvals on its own uniquely named queue, so tests never share one.</summary>
public sealed class ProbeStage
{
    public string Queue { get; } = $"probe-{Guid.NewGuid():N}"[..18];

    public void AddTo(IBusRegistrationConfigurator bus) => bus.AddStageConsumer<ApprovalProbeConsumer>(Queue);

    public sealed class ApprovalProbeConsumer(MessageSink sink) : RecordingConsumer<ArtifactApproved>(sink);
}
