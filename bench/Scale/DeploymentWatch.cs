using System.Collections.Concurrent;
using System.Diagnostics;
using Bpdp.Contracts;
using Bpdp.Pipeline.Observing;

namespace Bpdp.Bench.Scale;

/// <summary>
/// Waits for deployments' events as the recorder receives them, without polling: with dozens of deployments
/// at once, a loop per deployment copying its messages every few milliseconds would take the CPU it measures.
/// </summary>
internal sealed class DeploymentWatch : IDisposable
{
    private readonly PipelineRecorder recorder;
    private readonly ConcurrentDictionary<Guid, Watched> watched = new();
    private int finished;

    public DeploymentWatch(PipelineRecorder recorder)
    {
        this.recorder = recorder;
        recorder.Received += OnReceived;
    }

    /// <summary>How many watched deployments have ended.</summary>
    public int Finished => Volatile.Read(ref finished);

    /// <summary>Starts watching <paramref name="deploymentId"/>; call it before the approval is published.</summary>
    public Watched Expect(Guid deploymentId) => watched.GetOrAdd(deploymentId, _ => new Watched());

    private void OnReceived(IPipelineMessage message)
    {
        if (!watched.TryGetValue(message.DeploymentId, out var deployment))
        {
            return;
        }

        switch (message)
        {
            case GreenReady:
                deployment.Ready.TrySetResult(Stopwatch.GetTimestamp());
                break;
            case TrafficCutOver cutOver:
                deployment.CutOver.TrySetResult(cutOver);
                break;
        }

        if (PipelineRecorder.IsTerminal(message) && deployment.Terminal.TrySetResult(message))
        {
            Interlocked.Increment(ref finished);
        }
    }

    public void Dispose() => recorder.Received -= OnReceived;

    /// <summary>One deployment's milestones: green ready (stopwatch ticks), traffic moved, the terminal event.</summary>
    internal sealed class Watched
    {
        public TaskCompletionSource<long> Ready { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<TrafficCutOver> CutOver { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<IPipelineMessage> Terminal { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
