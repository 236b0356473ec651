using System.Collections.Frozen;
using Bpdp.Contracts;

namespace Bpdp.Coordinator.Saga;

/// <summary>
/// Every state of <see cref="DeploymentStateMachine"/> in lifecycle order, with its deadline, the stage
/// responsible for ending it and whether it is final: the one place these facts live. The options'
/// deadlines, the sweeper's timeouts and the saga's final states all read it.
/// </summary>
public static class StateTable
{
    public static readonly IReadOnlyList<StateRow> Rows =
    [
        StateRow.Ongoing(nameof(DeploymentStateMachine.AwaitingApproval), d => d.AwaitingApproval, PipelineStage.Coordinator),
        StateRow.Ongoing(nameof(DeploymentStateMachine.Building), d => d.Building, PipelineStage.Builder),
        StateRow.Ongoing(nameof(DeploymentStateMachine.Scanning), d => d.Scanning, PipelineStage.Scanner),
        StateRow.Ongoing(nameof(DeploymentStateMachine.Publishing), d => d.Publishing, PipelineStage.Publisher),
        StateRow.Ongoing(nameof(DeploymentStateMachine.WaitingForTarget), d => d.WaitingForTarget, PipelineStage.Coordinator),
        StateRow.Ongoing(nameof(DeploymentStateMachine.DeployingGreen), d => d.DeployingGreen, PipelineStage.Rollout),
        StateRow.Ongoing(nameof(DeploymentStateMachine.Analyzing), d => d.Analyzing, PipelineStage.KpiGate),
        StateRow.Ongoing(nameof(DeploymentStateMachine.CuttingOver), d => d.CuttingOver, PipelineStage.Rollout),
        StateRow.Ongoing(nameof(DeploymentStateMachine.Soaking), d => d.Soaking, PipelineStage.KpiGate),
        StateRow.Ongoing(nameof(DeploymentStateMachine.Paused), d => d.Paused, PipelineStage.Coordinator),
        StateRow.Ongoing(nameof(DeploymentStateMachine.RollingBack), d => d.RollingBack, PipelineStage.Rollout),
        StateRow.Final(nameof(DeploymentStateMachine.Live)),
        StateRow.Final(nameof(DeploymentStateMachine.Rejected)),
        StateRow.Final(nameof(DeploymentStateMachine.Failed)),
        StateRow.Final(nameof(DeploymentStateMachine.RolledBack)),
    ];

    private static readonly FrozenDictionary<string, StateRow> ByName = Rows.ToFrozenDictionary(row => row.Name, StringComparer.Ordinal);

    /// <summary>The names of the states a deployment ends in.</summary>
    public static readonly IReadOnlySet<string> FinalStates = Rows.Where(row => row.IsFinal).Select(row => row.Name).ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The row of <paramref name="state"/>; null for a name that is not a state of the saga (its initial state included).</summary>
    public static StateRow? Find(string state) => ByName.GetValueOrDefault(state);

    /// <summary>True when a deployment in <paramref name="state"/> has ended.</summary>
    public static bool IsFinal(string state) => Find(state)?.IsFinal == true;

    /// <summary>
    /// The table and the state machine must name the same states: a state without a row would get no
    /// deadline and count as unfinished forever. Throws when <paramref name="declared"/> (the machine's
    /// states, without its built-in initial and final ones) and the table differ.
    /// </summary>
    public static void RequireRowsFor(IEnumerable<string> declared)
    {
        var states = declared.ToHashSet(StringComparer.Ordinal);
        if (!states.SetEquals(ByName.Keys))
        {
            throw new InvalidOperationException(
                $"The saga's states and the state table differ: without a row [{string.Join(", ", states.Except(ByName.Keys))}], without a state [{string.Join(", ", ByName.Keys.Except(states))}].");
        }
    }
}
