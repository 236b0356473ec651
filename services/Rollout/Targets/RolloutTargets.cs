using System.Collections.Concurrent;
using Bpdp.Contracts;
using Microsoft.Extensions.Options;

namespace Bpdp.Rollout.Targets;

/// <summary>
/// The target of each agency's environment. With no <c>Rollout:Targets</c> configured, everything runs on
/// the local target (the embedded default); once any is configured, only those agency/environment pairs
/// can be deployed, and any other fails with a message naming the missing entry.
/// </summary>
public sealed class RolloutTargets(IOptions<RolloutOptions> options, IEnumerable<IRolloutTargetFactory> factories) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<IRolloutTarget>> targets = new(StringComparer.Ordinal);

    /// <summary>The configured entry of the deployment's agency and environment, without making its target.</summary>
    public TargetOptions EntryFor(DeploymentTarget deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var configured = options.Value.Targets;
        return configured.Count == 0
            ? new TargetOptions { Agency = deployment.Agency, Environment = deployment.Environment, Kind = TargetKind.Local }
            : configured.FirstOrDefault(t => string.Equals(t.Agency, deployment.Agency, StringComparison.Ordinal) && string.Equals(t.Environment, deployment.Environment, StringComparison.Ordinal))
                ?? throw new RolloutTargetException(
                    $"no rollout target is configured for agency '{deployment.Agency}', environment '{deployment.Environment}': add a Rollout:Targets entry for it " +
                    $"(configured: {string.Join(", ", configured.Select(t => t.Name))})");
    }

    public IRolloutTarget For(DeploymentTarget deployment)
    {
        var entry = EntryFor(deployment);
        var key = entry.Kind == TargetKind.Local ? nameof(TargetKind.Local) : entry.Name;
        var target = targets.GetOrAdd(key, _ => new Lazy<IRolloutTarget>(() => Create(entry)));
        try
        {
            return target.Value;
        }
        catch (RolloutTargetException)
        {
            // A target that could not be made (a kubeconfig not yet mounted) is tried again by the next command, not remembered as broken.
            targets.TryRemove(new KeyValuePair<string, Lazy<IRolloutTarget>>(key, target));
            throw;
        }
    }

    private IRolloutTarget Create(TargetOptions entry)
    {
        var factory = factories.FirstOrDefault(f => f.Kind == entry.Kind)
            ?? throw new RolloutTargetException($"the {entry.Kind} target of {entry.Name} is not available in this Rollout service");
        return factory.Create(entry);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var target in targets.Values.Where(t => t.IsValueCreated).Select(t => t.Value))
        {
            if (target is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync();
            }
            else if (target is IDisposable disposable)
            {
                disposable.Dispose();
            }
        }
    }
}
