using Bpdp.Contracts;

namespace Bpdp.Coordinator.Saga;

/// <summary>What the Coordinator knows about one saga state besides its transitions: one row of <see cref="StateTable"/>.</summary>
/// <param name="Name">The state's name, as stored in <see cref="DeploymentState.CurrentState"/>.</param>
/// <param name="Deadline">The <see cref="StageDeadlines"/> property (<c>Coordinator:Deadlines:&lt;State&gt;</c>) bounding the state; null in final states.</param>
/// <param name="Stage">The stage whose report ends the state, named in its <see cref="StageTimedOut"/>; null in final states.</param>
/// <param name="IsFinal">The deployment ended here: no deadline, one terminal event, later events only counted.</param>
public sealed record StateRow(string Name, Func<StageDeadlines, double>? Deadline, PipelineStage? Stage, bool IsFinal)
{
    /// <summary>A state the deployment passes through: a stage must report within the deadline.</summary>
    public static StateRow Ongoing(string name, Func<StageDeadlines, double> deadline, PipelineStage stage) => new(name, deadline, stage, IsFinal: false);

    /// <summary>A state a deployment ends in: nothing is awaited, so it has neither deadline nor responsible stage.</summary>
    public static StateRow Final(string name) => new(name, Deadline: null, Stage: null, IsFinal: true);
}
