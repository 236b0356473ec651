using Bpdp.Contracts;

namespace Bpdp.Platform.Bus;

/// <summary>
/// The one scheme for the ids of messages a stage publishes at most once per deployment, whether a
/// stage's consumer publishes them (<see cref="PublishOnceExtensions.PublishOnce"/>) or the Coordinator's saga.
/// </summary>
public static class MessageIds
{
    /// <summary>
    /// The id of the <paramref name="messageType"/> message <paramref name="stage"/> publishes for
    /// <paramref name="deploymentId"/>: a UUID from <c>{deploymentId}/{stage}/{messageType}[/{qualifier}]</c>.
    /// The same inputs always give the same id, so a message published again is recognised downstream; the
    /// stage keeps two stages' messages of one type apart, and the qualifier one stage's messages of one
    /// type that mean different things (the KPI gate's two phases).
    /// </summary>
    public static Guid For(Guid deploymentId, PipelineStage stage, string messageType, string? qualifier = null) =>
        DeterministicIds.From($"{deploymentId:D}/{stage}/{messageType}{(qualifier is null ? "" : "/" + qualifier)}");
}
