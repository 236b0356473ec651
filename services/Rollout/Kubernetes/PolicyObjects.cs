using Bpdp.Contracts;

namespace Bpdp.Rollout.Kubernetes;

/// <summary>
/// The names, labels and addresses of one policy's objects in one namespace: Deployments <c>P-blue</c> and
/// <c>P-green</c>, the live Service <c>P</c> and the preview Service <c>P-preview</c>.
/// </summary>
public sealed record PolicyObjects(string Policy, string Namespace)
{
    public const string NameLabel = "app.kubernetes.io/name";
    public const string ColorLabel = "bpdp.io/color";
    public const string VersionLabel = "bpdp.io/version";
    public const string DeploymentIdLabel = "bpdp.io/deployment-id";
    public const string AgencyLabel = "bpdp.io/agency";
    public const string EnvironmentLabel = "bpdp.io/environment";

    /// <summary>Annotation: when the Coordinator sent the DeployGreen a Deployment holds (round-trip format); it orders deployments.</summary>
    public const string DeployedAtAnnotation = "bpdp.io/deployed-at";

    /// <summary>The port both Services listen on; 80, so the endpoints need none.</summary>
    public const int ServicePort = 80;

    /// <summary>Checked on construction, so no request is ever made with a name the cluster would refuse or another policy's suffix.</summary>
    public string Policy { get; init; } = KubernetesNames.Policy(Policy);

    public string Namespace { get; init; } = KubernetesNames.Namespace(Namespace);

    public string LiveService => Policy;

    public string PreviewService => $"{Policy}-preview";

    /// <summary>Selects every Deployment of this policy, whichever color and version.</summary>
    public string PolicySelector => $"{NameLabel}={Policy}";

    public string Deployment(Color color) => $"{Policy}-{ColorValue(color)}";

    public Uri Endpoint(string service) => new($"http://{service}.{Namespace}.svc.cluster.local/");

    public static string ColorValue(Color color) => color == Color.Blue ? "blue" : "green";

    /// <summary>The color a <c>bpdp.io/color</c> value names; none for a missing or foreign value.</summary>
    public static Color? ParseColor(string? value) => value switch
    {
        "blue" => Color.Blue,
        "green" => Color.Green,
        _ => null,
    };

    /// <summary>
    /// A label value for free text such as a SemVer version: label values allow only letters, digits,
    /// <c>-</c>, <c>_</c> and <c>.</c> (at most 63), so build metadata's <c>+</c> becomes <c>_</c>.
    /// </summary>
    public static string LabelValue(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var safe = new string([.. text.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')]);
        return safe.Length <= 63 ? safe : safe[..63];
    }
}
