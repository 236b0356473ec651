namespace Bpdp.Rollout.Targets;

/// <summary>A rollout step that cannot succeed by retrying the same command: an unknown target, a progress deadline passed, an image the target refuses.</summary>
public sealed class RolloutTargetException(string message, Exception? inner = null) : Exception(message, inner);
