using System.Collections.Concurrent;
using Bpdp.Contracts;

namespace Bpdp.KpiGate;

/// <summary>
/// The analyses in progress, so that one can be stopped: by an abort or the end of its deployment, or
/// when a newer deployment of the same policy in the same place starts its own analysis.
/// </summary>
public sealed class RunningAnalyses
{
    private readonly ConcurrentDictionary<(Guid Deployment, AnalysisPhase Phase), Entry> running = new();

    /// <summary>Registers an analysis; an older one of the same target is stopped as superseded.</summary>
    public Handle Start(Guid deploymentId, AnalysisPhase phase, DeploymentTarget target, CancellationToken consumer)
    {
        ArgumentNullException.ThrowIfNull(target);
        var place = (target.Agency, target.Environment, target.PolicyName);
        foreach (var (key, entry) in running)
        {
            if (key.Deployment != deploymentId && entry.Place == place)
            {
                entry.Stop($"superseded by deployment {deploymentId} of {target.PolicyName} {target.PolicyVersion}");
            }
        }

        var added = new Entry(place, CancellationTokenSource.CreateLinkedTokenSource(consumer));
        running.AddOrUpdate((deploymentId, phase), added, (_, old) =>
        {
            old.Stop("restarted by a redelivered message");
            return added;
        });
        return new Handle(this, (deploymentId, phase), added);
    }

    /// <summary>Stops the deployment's analyses, if any run; says whether one did.</summary>
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

    internal sealed record Entry((string, string, string) Place, CancellationTokenSource Cancellation)
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

    /// <summary>One analysis's registration: its token, why it was stopped, and its removal when done.</summary>
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
