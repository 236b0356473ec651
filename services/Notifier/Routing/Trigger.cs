using System.Text.Json.Serialization;

namespace Bpdp.Notifier.Routing;

/// <summary>The events a route can notify on.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Trigger>))]
public enum Trigger
{
    /// <summary>A KPI gate did not pass.</summary>
    KpiFailed,

    /// <summary>The deployment ended rolled back.</summary>
    DeploymentRolledBack,

    /// <summary>The deployment is live.</summary>
    DeploymentCompleted,

    /// <summary>A stage could not do its work, or the deployment ended failed.</summary>
    DeploymentFailed,

    /// <summary>A stage did not answer before its deadline.</summary>
    StageTimedOut,

    /// <summary>A stage refused a message because its evidence did not hold (the trust checks).</summary>
    MessageRefused,

    /// <summary>The Builder refused an approval.</summary>
    ArtifactRejected,
}
