using System.Text.RegularExpressions;
using Bpdp.Rollout.Targets;

namespace Bpdp.Rollout.Kubernetes;

/// <summary>
/// The names the Kubernetes target makes objects from, checked before any request: a policy name must leave room for
/// the longest suffix (<c>-preview</c>) within a DNS-1035 label (63 characters, a letter first), and a namespace must be a
/// DNS-1123 label. Policy validation already says the same; this is the target's own guard against a command that did not
/// come through it.
/// </summary>
public static partial class KubernetesNames
{
    public const int MaxLabel = 63;
    public const int MaxPolicy = 55;

    /// <summary>What the target appends to a policy's name; a policy named with one would take another policy's object.</summary>
    public static readonly IReadOnlyList<string> Suffixes = ["-preview", "-blue", "-green"];

    public static string Policy(string name)
    {
        if (name is not { Length: > 0 and <= MaxPolicy } || !Dns1035().IsMatch(name))
        {
            throw new RolloutTargetException($"policy name '{Shown(name)}' cannot name Kubernetes objects: it must be 1 to {MaxPolicy} lowercase letters, digits " +
                $"or '-', start with a letter and end with a letter or digit, so that '-preview' still fits in {MaxLabel} characters.");
        }

        return Suffixes.FirstOrDefault(s => name.EndsWith(s, StringComparison.Ordinal)) is { } suffix
            ? throw new RolloutTargetException($"policy name '{name}' ends in '{suffix}', which names an object of policy '{name[..^suffix.Length]}'.")
            : name;
    }

    public static string Namespace(string name) =>
        name is { Length: > 0 and <= MaxLabel } && Dns1123().IsMatch(name)
            ? name
            : throw new RolloutTargetException(
                $"namespace '{Shown(name)}' is not a Kubernetes namespace name: 1 to {MaxLabel} lowercase letters, digits or '-', starting and ending with a letter or digit.");

    private static string Shown(string? name) => name is null ? "" : name.Length <= 80 ? name : name[..80] + "…";

    [GeneratedRegex(@"\A[a-z]([-a-z0-9]*[a-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1035();

    [GeneratedRegex(@"\A[a-z0-9]([-a-z0-9]*[a-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1123();
}
