using Bpdp.Contracts;
using Bpdp.Testing;
using MassTransit;

namespace Bpdp.IntegrationTests.Distributed;

/// <summary>The events a distributed pipeline test follows, each recorded under its own queue.</summary>
public static class PipelineEvents
{
    public sealed class Scanned(MessageSink sink) : RecordingConsumer<ImageScanned>(sink);

    public sealed class Ready(MessageSink sink) : RecordingConsumer<GreenReady>(sink);

    public sealed class CutOver(MessageSink sink) : RecordingConsumer<TrafficCutOver>(sink);

    public sealed class Breached(MessageSink sink) : RecordingConsumer<KpiFailed>(sink);

    public sealed class Back(MessageSink sink) : RecordingConsumer<RolledBack>(sink);

    public sealed class Completed(MessageSink sink) : RecordingConsumer<DeploymentCompleted>(sink);

    public sealed class RolledBackInFull(MessageSink sink) : RecordingConsumer<DeploymentRolledBack>(sink);

    public sealed class Failed(MessageSink sink) : RecordingConsumer<DeploymentFailed>(sink);

    public sealed class Rejected(MessageSink sink) : RecordingConsumer<DeploymentRejected>(sink);

    public sealed class Refused(MessageSink sink) : RecordingConsumer<MessageRefused>(sink);

    /// <summary>Every probe on a queue named <c>&lt;prefix&gt;-&lt;probe&gt;</c>; returns those queue names, for cleanup.</summary>
    public static string[] AddPipelineProbes(this IBusRegistrationConfigurator bus, string prefix)
    {
        ArgumentNullException.ThrowIfNull(bus);
        Type[] probes = [typeof(Scanned), typeof(Ready), typeof(CutOver), typeof(Breached), typeof(Back), typeof(Completed), typeof(RolledBackInFull), typeof(Failed), typeof(Rejected),
            typeof(Refused)];
        foreach (var probe in probes)
        {
            bus.AddConsumer(probe).Endpoint(e => e.Name = $"{prefix}-{probe.Name.ToLowerInvariant()}");
        }

        return [.. probes.Select(p => $"{prefix}-{p.Name.ToLowerInvariant()}")];
    }

    /// <summary>The messages of type <typeparamref name="T"/> the probe <typeparamref name="TProbe"/> received for one deployment.</summary>
    public static IReadOnlyList<T> Of<TProbe, T>(this MessageSink sink, Guid deploymentId)
        where T : class, IPipelineMessage =>
        [.. sink.ReceivedBy(typeof(TProbe).Name).OfType<ConsumeContext<T>>().Select(c => c.Message).Where(m => m.DeploymentId == deploymentId)];
}
