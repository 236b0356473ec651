using Bpdp.Contracts;

namespace Bpdp.Rollout.BlueGreen;

/// <summary>
/// What a rollback does: the deployment's <paramref name="Color"/>; whether live traffic moves off it and to
/// which color (<paramref name="Live"/> is where live is afterwards, none when nothing serves); the color removed,
/// if the rollback may remove one; and whether the preview is cleared.
/// </summary>
public sealed record RollBackDecision(Color Color, bool MovesLive, Color? Live, Color? Removes, bool ClearsPreview);
