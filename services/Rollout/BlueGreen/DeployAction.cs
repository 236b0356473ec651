namespace Bpdp.Rollout.BlueGreen;

/// <summary>What DeployGreen does to the slot of its color.</summary>
public enum DeployAction
{
    /// <summary>The color is empty: start the new version in it.</summary>
    Create,

    /// <summary>The color already runs this deployment's image (a redelivered DeployGreen): start nothing.</summary>
    Reuse,

    /// <summary>The color holds something else: remove it first (or replace it in place), then start the new version.</summary>
    Replace,
}
