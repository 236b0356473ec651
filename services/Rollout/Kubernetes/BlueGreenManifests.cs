using Bpdp.Contracts;
using k8s.Models;

namespace Bpdp.Rollout.Kubernetes;

/// <summary>The Deployment of one color and the Services in front of the colors, as the target writes them.</summary>
internal static class BlueGreenManifests
{
    /// <summary>The executor's container port, as the image's <c>ASPNETCORE_URLS</c> sets it.</summary>
    public const int ContainerPort = 8080;

    /// <summary>
    /// The new version in <paramref name="color"/>: the image by digest, non-root with a read-only root file
    /// system, ready when <c>/readyz</c> answers, and failed by the cluster after <paramref name="progressDeadlineSeconds"/>.
    /// The selector is name and color only, so the Deployment of one color can be replaced by the next version.
    /// </summary>
    public static V1Deployment Deployment(PolicyObjects objects, DeployGreen command, Color color, int replicas, int progressDeadlineSeconds)
    {
        var colorValue = PolicyObjects.ColorValue(color);
        var labels = new Dictionary<string, string>
        {
            [PolicyObjects.NameLabel] = objects.Policy,
            [PolicyObjects.ColorLabel] = colorValue,
            [PolicyObjects.VersionLabel] = PolicyObjects.LabelValue(command.Target.PolicyVersion),
            [PolicyObjects.DeploymentIdLabel] = command.DeploymentId.ToString(),
            [PolicyObjects.AgencyLabel] = PolicyObjects.LabelValue(command.Target.Agency),
            [PolicyObjects.EnvironmentLabel] = PolicyObjects.LabelValue(command.Target.Environment),
        };
        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = new V1ObjectMeta
            {
                Name = objects.Deployment(color),
                NamespaceProperty = objects.Namespace,
                Labels = labels,
                Annotations = new Dictionary<string, string> { [PolicyObjects.DeployedAtAnnotation] = command.OccurredAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture) },
            },
            Spec = new V1DeploymentSpec
            {
                Replicas = replicas,
                ProgressDeadlineSeconds = progressDeadlineSeconds,
                RevisionHistoryLimit = 1,
                Selector = new V1LabelSelector { MatchLabels = Selector(objects, color) },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels },
                    Spec = PodSpec(command.Image.ToString(), colorValue),
                },
            },
        };
    }

    /// <summary>A ClusterIP Service on port 80 selecting the pods of <paramref name="color"/>; the target port is the container's named port <c>http</c>.</summary>
    public static V1Service Service(PolicyObjects objects, string name, Color color, DeploymentTarget target) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = objects.Namespace,
            Labels = new Dictionary<string, string>
            {
                [PolicyObjects.NameLabel] = objects.Policy,
                [PolicyObjects.AgencyLabel] = PolicyObjects.LabelValue(target.Agency),
                [PolicyObjects.EnvironmentLabel] = PolicyObjects.LabelValue(target.Environment),
            },
        },
        Spec = new V1ServiceSpec
        {
            Type = "ClusterIP",
            Selector = Selector(objects, color),
            Ports = [new V1ServicePort { Name = "http", Port = PolicyObjects.ServicePort, TargetPort = "http", Protocol = "TCP" }],
        },
    };

    public static Dictionary<string, string> Selector(PolicyObjects objects, Color color) => new()
    {
        [PolicyObjects.NameLabel] = objects.Policy,
        [PolicyObjects.ColorLabel] = PolicyObjects.ColorValue(color),
    };

    private static V1PodSpec PodSpec(string image, string color) => new()
    {
        AutomountServiceAccountToken = false,
        SecurityContext = new V1PodSecurityContext { RunAsNonRoot = true, RunAsUser = 65532, SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" } },
        Containers =
        [
            new V1Container
            {
                Name = "executor",
                Image = image,
                Ports = [new V1ContainerPort { Name = "http", ContainerPort = ContainerPort, Protocol = "TCP" }],
                Env = [new V1EnvVar { Name = "BPDP_COLOR", Value = color }],
                ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/readyz", Port = "http" }, PeriodSeconds = 2, FailureThreshold = 3 },
                LivenessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/healthz", Port = "http" }, PeriodSeconds = 10, FailureThreshold = 6 },
                Resources = new V1ResourceRequirements
                {
                    Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("50m"), ["memory"] = new("64Mi") },
                    Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("500m"), ["memory"] = new("256Mi") },
                },
                SecurityContext = new V1SecurityContext
                {
                    RunAsNonRoot = true,
                    RunAsUser = 65532,
                    ReadOnlyRootFilesystem = true,
                    AllowPrivilegeEscalation = false,
                    Capabilities = new V1Capabilities { Drop = ["ALL"] },
                    SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
                },
                VolumeMounts = [new V1VolumeMount { Name = "tmp", MountPath = "/tmp" }],
            },
        ],

        // The runtime writes its diagnostics socket under /tmp; the root file system stays read-only.
        Volumes = [new V1Volume { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource { SizeLimit = new ResourceQuantity("16Mi") } }],
    };
}
