using Bpdp.Contracts;
using MassTransit;

namespace Bpdp.Testing;

/// <summary>Records what the Builder says about each approval: built, rejected or failed. Each gets its own queue.</summary>
public static class BuilderOutcomeProbe
{
    public static void AddBuilderOutcomeProbes(this IBusRegistrationConfigurator bus, string run)
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.AddConsumer<BuiltProbe>().Endpoint(e => e.Name = $"probe-built-{run}");
        bus.AddConsumer<RejectedProbe>().Endpoint(e => e.Name = $"probe-rejected-{run}");
        bus.AddConsumer<FailedProbe>().Endpoint(e => e.Name = $"probe-failed-{run}");
    }

    /// <summary>The queues the probes read, to delete after a test on a real broker.</summary>
    public static string[] Queues(string run) => [$"probe-built-{run}", $"probe-rejected-{run}", $"probe-failed-{run}"];

    public sealed class BuiltProbe(MessageSink sink) : RecordingConsumer<ImageBuilt>(sink);

    public sealed class RejectedProbe(MessageSink sink) : RecordingConsumer<ArtifactRejected>(sink);

    public sealed class FailedProbe(MessageSink sink) : RecordingConsumer<DeploymentFailed>(sink);
}
