using Bpdp.Contracts;

namespace Bpdp.Rollout.BlueGreen;

/// <summary>
/// What a finalize does: the finalized deployment's <paramref name="Color"/> (none when no slot carries it),
/// whether it is still live, whether the preview is cleared, and the color retired after the scale-down delay, if any.
/// </summary>
public sealed record FinalizeDecision(Color? Color, bool StillLive, bool ClearsPreview, Color? Retires);
