using System.Text.RegularExpressions;
using Bpdp.Contracts;

namespace Bpdp.Rollout.Docker;

/// <summary>
/// How one policy of one agency's environment is named on a Docker engine: its containers
/// <c>bpdp_&lt;agency&gt;_&lt;environment&gt;_&lt;policy&gt;_&lt;color&gt;</c>, the labels that find them, and the
/// environment's internal network on which the live container answers to the policy's name. Underscores join
/// the parts and never appear inside one, so <c>a-b</c>/<c>c</c> and <c>a</c>/<c>b-c</c> stay apart.
/// </summary>
public sealed partial class DockerNames(DeploymentTarget target)
{
    public const string AgencyLabel = "io.bpdp.agency";
    public const string EnvironmentLabel = "io.bpdp.environment";
    public const string PolicyLabel = "io.bpdp.policy";
    public const string ColorLabel = "io.bpdp.color";
    public const string VersionLabel = "io.bpdp.version";
    public const string DigestLabel = "io.bpdp.digest";
    public const string DeploymentLabel = "io.bpdp.deployment-id";
    public const string DeployedAtLabel = "io.bpdp.deployed-at";

    /// <summary>The network whose membership, with the policy's name as alias, says which container is live.</summary>
    public string Network { get; } = $"bpdp_{Clean(target.Agency)}_{Clean(target.Environment)}";

    /// <summary>The policy, as the deployment names it.</summary>
    public string Policy { get; } = target.PolicyName;

    /// <summary>The alias of the live container on <see cref="Network"/>: other containers there call the policy by it.</summary>
    public string LiveAlias { get; } = Clean(target.PolicyName);

    public string Container(Color color) => $"bpdp_{Clean(target.Agency)}_{Clean(target.Environment)}_{Clean(target.PolicyName)}_{color.ToString().ToLowerInvariant()}";

    /// <summary>The label filters that find this policy's containers, and nothing else's.</summary>
    public IDictionary<string, bool> Selector() => new Dictionary<string, bool>(StringComparer.Ordinal)
    {
        [$"{AgencyLabel}={target.Agency}"] = true,
        [$"{EnvironmentLabel}={target.Environment}"] = true,
        [$"{PolicyLabel}={target.PolicyName}"] = true,
    };

    public IDictionary<string, string> Labels(Color color, DeployGreen command) => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [AgencyLabel] = target.Agency,
        [EnvironmentLabel] = target.Environment,
        [PolicyLabel] = target.PolicyName,
        [ColorLabel] = color.ToString().ToLowerInvariant(),
        [VersionLabel] = command.Target.PolicyVersion,
        [DigestLabel] = command.Image.Digest,
        [DeploymentLabel] = command.DeploymentId.ToString(),
        [DeployedAtLabel] = command.OccurredAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>The label filters that find every policy of this agency's environment.</summary>
    public static IDictionary<string, bool> EnvironmentSelector(string agency, string environment) => new Dictionary<string, bool>(StringComparer.Ordinal)
    {
        [$"{AgencyLabel}={agency}"] = true,
        [$"{EnvironmentLabel}={environment}"] = true,
    };

    /// <summary>One part of a name: lowercase letters, digits, dots and dashes (Docker allows them; underscores join parts); anything else becomes a dash.</summary>
    private static string Clean(string name) => NotAllowed().Replace(name.ToLowerInvariant(), "-");

    [GeneratedRegex("[^a-z0-9.-]")]
    private static partial Regex NotAllowed();
}
