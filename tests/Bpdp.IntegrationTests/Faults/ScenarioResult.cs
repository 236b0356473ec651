namespace Bpdp.IntegrationTests.Faults;

/// <summary>One fault scenario of the campaign: the deployments it drove, how they ended, and what the users saw meanwhile.</summary>
public sealed record ScenarioResult(string Name, string Fault, IReadOnlyList<Guid> Deployments, IReadOnlyList<string> Outcomes, long UsersSent, long UsersFailed, TimeSpan Took)
{
    /// <summary>Terminal events per deployment (distinct message ids), filled in by the invariant check.</summary>
    public IReadOnlyList<int> TerminalEvents { get; init; } = [];

    public int LedgerLost { get; init; }

    public int LedgerDuplicated { get; init; }

    public int StatusMismatches { get; init; }
}
