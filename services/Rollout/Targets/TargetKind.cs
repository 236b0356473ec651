namespace Bpdp.Rollout.Targets;

/// <summary>The infrastructure an agency's environment runs on.</summary>
public enum TargetKind
{
    /// <summary>Executors as processes of this host behind the Rollout service's own proxy (the embedded default).</summary>
    Local,

    /// <summary>Containers on one Docker engine.</summary>
    Docker,

    /// <summary>Deployments and Services in a Kubernetes namespace.</summary>
    Kubernetes,
}
