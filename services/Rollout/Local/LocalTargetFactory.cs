using Bpdp.Rollout.Targets;

namespace Bpdp.Rollout.Local;

/// <summary>The one local target of this host, shared by every agency and environment it serves.</summary>
public sealed class LocalTargetFactory(IServiceProvider services) : IRolloutTargetFactory
{
    public TargetKind Kind => TargetKind.Local;

    public IRolloutTarget Create(TargetOptions target) => ActivatorUtilities.CreateInstance<LocalTarget>(services);
}
