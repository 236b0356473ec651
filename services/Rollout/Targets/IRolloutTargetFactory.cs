namespace Bpdp.Rollout.Targets;

/// <summary>Makes the target for one <c>Rollout:Targets</c> entry of its kind.</summary>
public interface IRolloutTargetFactory
{
    TargetKind Kind { get; }

    IRolloutTarget Create(TargetOptions target);
}
