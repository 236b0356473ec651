namespace Bpdp.WebConsole.Board;

/// <summary>A deployment as the list shows it.</summary>
/// <param name="Id">The deployment id.</param>
/// <param name="Agency">The agency, once an event named it.</param>
/// <param name="Environment">The environment.</param>
/// <param name="Policy">The policy module.</param>
/// <param name="Version">The policy version.</param>
/// <param name="Approver">Who approved it, as the approval says.</param>
/// <param name="State">Where it is: Building, Scanning, …, Live, RolledBack, Failed, Rejected.</param>
/// <param name="Outcome">The terminal state, once there is one.</param>
/// <param name="Reason">Why it ended so, for a rollback, failure or rejection.</param>
/// <param name="StartedAt">Its first event.</param>
/// <param name="UpdatedAt">Its last event.</param>
/// <param name="DurationSeconds">From the first event to the terminal one (or the last, while it runs).</param>
public sealed record DeploymentSummary(
    Guid Id,
    string? Agency,
    string? Environment,
    string? Policy,
    string? Version,
    string? Approver,
    string State,
    string? Outcome,
    string? Reason,
    DateTimeOffset StartedAt,
    DateTimeOffset UpdatedAt,
    double DurationSeconds);
