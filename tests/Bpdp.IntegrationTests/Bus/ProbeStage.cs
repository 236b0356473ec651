using Bpdp.Contracts;
using Bpdp.IntegrationTests.Servers;
using Bpdp.Platform.Bus;
using Bpdp.Testing;
using MassTransit;
using Microsoft.AspNetCore.Builder;

namespace Bpdp.IntegrationTests.Bus;

/// <summary>A stand-in stage consuming approvals on its own uniquely named queue, so tests never share one.</summary>
public sealed class ProbeStage
{
    public string Queue { get; } = $"probe-{Guid.NewGuid():N}"[..18];

    public MessageSink Sink { get; } = new();

    public void AddTo(IBusRegistrationConfigurator bus) => bus.AddStageConsumer<ApprovalProbeConsumer>(Queue);

    /// <summary>Starts a service host running this stage against <paramref name="rabbit"/>.</summary>
    public async Task<WebApplication> StartOn(RabbitMqServer rabbit)
    {
        var app = TestHost.Build(rabbit.ServiceSettings(), AddTo, Sink);
        await app.StartAsync();
        return app;
    }

    /// <summary>The first approval this stage received for <paramref name="deploymentId"/>.</summary>
    public Task<ConsumeContext<ArtifactApproved>> Received(Guid deploymentId) =>
        Sink.WaitFor<ArtifactApproved>(nameof(ApprovalProbeConsumer), m => m.DeploymentId == deploymentId);

    public sealed class ApprovalProbeConsumer(MessageSink sink) : RecordingConsumer<ArtifactApproved>(sink);
}
