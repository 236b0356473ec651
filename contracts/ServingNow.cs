namespace Bpdp.Contracts;

/// <summary>The Rollout's answer to <see cref="GetServing"/>: what the target itself shows, not what any stage remembers.</summary>
/// <param name="Target">The target asked about.</param>
/// <param name="Reported">False when the target could not be read; <paramref name="Error"/> says why.</param>
/// <param name="Live">The color live traffic goes to; none when nothing serves.</param>
/// <param name="Preview">The color the preview address shows, if any.</param>
/// <param name="LiveEndpoint">The live address, where the target has one.</param>
/// <param name="Colors">Each color that runs: the deployment and image it belongs to.</param>
/// <param name="Error">Why the target could not be read.</param>
public sealed record ServingNow(
    DeploymentTarget Target,
    bool Reported,
    Color? Live = null,
    Color? Preview = null,
    string? LiveEndpoint = null,
    IReadOnlyList<ServingColor>? Colors = null,
    string? Error = null);

/// <summary>One color that runs on a target.</summary>
/// <param name="Color">Blue or green.</param>
/// <param name="DeploymentId">The deployment that put it there, as the target labels it.</param>
/// <param name="Image">The image (digest) it runs.</param>
public sealed record ServingColor(Color Color, string? DeploymentId, string? Image);
