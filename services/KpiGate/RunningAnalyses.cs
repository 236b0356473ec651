using System.Collections.Concurrent;
using Bpdp.Contracts;

namespace Bpdp.KpiGate;

/// <summary>
/// The runs this replica measures right now, so that an abort or the end of a deployment stops them at once; the
/// run table tells every other replica (and this one, at its next lease renewal) the same.
/// </summary>
public sealed class RunningAnalyses
{
    private readonly ConcurrentDictionary<(Guid Deployment, AnalysisPhase Phase), Entry> running = new();

    public Handle Start(Guid deploymentId, AnalysisPhase phase, CancellationToken stopping)
    {
        var added = new Entry(CancellationTokenSource.CreateLinkedTokenSource(stopping));
        running.AddOrUpdate((deploymentId, phase), added, (_, old) =>
        {
            old.Stop("claimed again by this replica");
            return added;
        });
        return new Handle(this, (deploymentId, phase), added);
    }

    /// <summary>Stops the deployment's runs measured here, if any; says whether one was.</summary>
    public bool Stop(Guid deploymentId, string why)
    {
        var stopped = false;
        foreach (var (key, entry) in running)
        {
            stopped |= key.Deployment == deploymentId && entry.Stop(why);
        }

        return stopped;
    }

    public int Count => running.Count;

    public bool IsRunning(Guid deploymentId, AnalysisPhase phase) => running.ContainsKey((deploymentId, phase));

    internal sealed record Entry(CancellationTokenSource Cancellation)
    {
        public string? StoppedBecause { get; private set; }

        public bool Stop(string why)
        {
            StoppedBecause ??= why;
            try
            {
                Cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // It ended on its own while being stopped: nothing left to stop.
            }

            return true;
        }
    }

    /// <summary>One run's registration: its token, why it was stopped, and its removal when done.</summary>
    public sealed class Handle : IDisposable
    {
        private readonly RunningAnalyses owner;
        private readonly (Guid, AnalysisPhase) key;
        private readonly Entry entry;

        internal Handle(RunningAnalyses owner, (Guid, AnalysisPhase) key, Entry entry)
        {
            this.owner = owner;
            this.key = key;
            this.entry = entry;
        }

        public CancellationToken Token => entry.Cancellation.Token;

        public string? StoppedBecause => entry.StoppedBecause;

        public void Dispose()
        {
            owner.running.TryRemove(new KeyValuePair<(Guid, AnalysisPhase), Entry>(key, entry));
            entry.Cancellation.Dispose();
        }
    }
}
