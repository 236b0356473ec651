namespace Bpdp.IntegrationTests.Faults;

/// <summary>A fault and when it strikes; <paramref name="Expected"/> is the outcome every deployment must have, where the fault decides it.</summary>
public sealed record FaultScenario(string Name, string Fault, Func<FaultCampaign, IReadOnlyList<Guid>, Task> Strike, string? Expected = "Completed", int Concurrent = 1)
{
    public override string ToString() => Name;
}
