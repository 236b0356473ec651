using Bpdp.Contracts;

namespace Bpdp.Rollout.BlueGreen;

/// <summary>Where DeployGreen puts the new version, what it does to that color's slot, and whether the preview then points at it.</summary>
public sealed record DeployDecision(Color Color, DeployAction Action, bool PointsPreview);
