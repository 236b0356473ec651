using Bpdp.Contracts;
using Bpdp.Policy;
using Bpdp.Policy.Evaluation;

namespace Bpdp.Executor;

/// <summary>
/// The executor's one policy and whether it is ready. It starts not ready, becomes ready once the
/// policy compiled, and stays not ready, saying why, when the policy is missing or invalid.
/// </summary>
public sealed class ServedPolicy
{
    private volatile Snapshot current = new(null, null, "the policy has not been loaded yet", []);

    public CompiledPolicy? Policy => current.Policy;

    /// <summary>The policy file exactly as loaded, for those who judge this executor by the policy's own settings and samples.</summary>
    public string? Source => current.Source;

    public bool IsReady => current.Policy is not null && !Stopping;

    public string Reason => Stopping ? "the executor is shutting down" : current.Reason;

    public IReadOnlyList<PolicyError> Errors => current.Errors;

    public bool Stopping { get; set; }

    public void Loaded(CompiledPolicy policy, string source) => current = new Snapshot(policy, source, "ready", []);

    public void NotLoaded(string reason, IReadOnlyList<PolicyError> errors) => current = new Snapshot(null, null, reason, errors);

    private sealed record Snapshot(CompiledPolicy? Policy, string? Source, string Reason, IReadOnlyList<PolicyError> Errors);
}
