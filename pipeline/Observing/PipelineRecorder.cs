using System.Collections.Concurrent;
using Bpdp.Contracts;
using MassTransit;

namespace Bpdp.Pipeline.Observing;

/// <summary>Everything the pipeline said, per deployment, as it said it: the demo's progress lines and its evidence, and the benchmarks' clock.</summary>
public sealed class PipelineRecorder
{
    private readonly ConcurrentDictionary<Guid, ConcurrentQueue<(DateTimeOffset At, IPipelineMessage Message)>> messages = new();

    public event Action<IPipelineMessage>? Received;

    /// <summary>How many messages were recorded, all deployments together.</summary>
    public int Count => messages.Values.Sum(q => q.Count);

    public void Add(IPipelineMessage message)
    {
        messages.GetOrAdd(message.DeploymentId, _ => new()).Enqueue((DateTimeOffset.UtcNow, message));
        Received?.Invoke(message);
    }

    public IReadOnlyList<(DateTimeOffset At, IPipelineMessage Message)> For(Guid deploymentId) =>
        messages.TryGetValue(deploymentId, out var queue) ? [.. queue] : [];

    public IPipelineMessage? Terminal(Guid deploymentId) => For(deploymentId).Select(m => m.Message).FirstOrDefault(IsTerminal);

    /// <summary>Whether <paramref name="message"/> ends its deployment: nothing more happens to it.</summary>
    public static bool IsTerminal(IPipelineMessage message) =>
        message is DeploymentCompleted or DeploymentRolledBack or DeploymentFailed { Stage: PipelineStage.Coordinator } or DeploymentRejected;

    /// <summary>The live endpoints cutovers reported, oldest first.</summary>
    public IReadOnlyList<string> AllLiveEndpoints() =>
        [.. messages.Values.SelectMany(q => q).OrderBy(m => m.At).Select(m => m.Message).OfType<TrafficCutOver>().Select(t => t.LiveEndpoint).OfType<string>()];

    /// <summary>
    /// Records every pipeline message of the bus. One consumer per concrete type: consumed as the
    /// interface, a message would arrive as an interface proxy, and the demo needs its fields.
    /// </summary>
    public sealed class Consumer<T>(PipelineRecorder recorder) : IConsumer<T>
        where T : class, IPipelineMessage
    {
        public Task Consume(ConsumeContext<T> context)
        {
            recorder.Add(context.Message);
            return Task.CompletedTask;
        }
    }

    /// <summary>Puts a recording consumer of every pipeline message type on one queue.</summary>
    public static void Register(IBusRegistrationConfigurator bus, string queue = "pipeline-recorder")
    {
        ArgumentNullException.ThrowIfNull(bus);
        foreach (var type in PipelineMessageTypes.All)
        {
            bus.AddConsumer(typeof(Consumer<>).MakeGenericType(type)).Endpoint(e => e.Name = queue);
        }
    }
}
