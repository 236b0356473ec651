using Bpdp.Rollout.Targets;
using Microsoft.Extensions.Options;
using k8s;
using k8s.Exceptions;

namespace Bpdp.Rollout.Kubernetes;

/// <summary>One <see cref="KubernetesTarget"/> per <c>Rollout:Targets</c> entry: its own cluster, credentials and namespace.</summary>
public sealed class KubernetesTargetFactory(IOptions<RolloutOptions> options, TimeProvider time, ILoggerFactory loggers) : IRolloutTargetFactory
{
    public TargetKind Kind => TargetKind.Kubernetes;

    /// <summary>The namespace is the entry's, else its kubeconfig context's, else <c>default</c>.</summary>
    public IRolloutTarget Create(TargetOptions target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var configuration = Configuration(target);
        var ns = !string.IsNullOrEmpty(target.Namespace) ? target.Namespace
            : !string.IsNullOrEmpty(configuration.Namespace) ? configuration.Namespace
            : "default";
        return new KubernetesTarget(new k8s.Kubernetes(configuration), ns, target.Replicas, options, time, loggers.CreateLogger<KubernetesTarget>());
    }

    /// <summary>The entry's kubeconfig file and context (each agency's cluster has its own), or the pod's service account when no file is named.</summary>
    private static KubernetesClientConfiguration Configuration(TargetOptions target)
    {
        if (string.IsNullOrEmpty(target.Kubeconfig))
        {
            return KubernetesClientConfiguration.IsInCluster()
                ? KubernetesClientConfiguration.InClusterConfig()
                : throw new RolloutTargetException($"the Kubernetes target {target.Name} names no Kubeconfig and this service does not run in a cluster: set Rollout:Targets Kubeconfig for it");
        }

        if (!File.Exists(target.Kubeconfig))
        {
            throw new RolloutTargetException($"the kubeconfig file '{target.Kubeconfig}' of the Kubernetes target {target.Name} does not exist");
        }

        try
        {
            return KubernetesClientConfiguration.BuildConfigFromConfigFile(target.Kubeconfig, string.IsNullOrEmpty(target.Context) ? null : target.Context);
        }
        catch (KubeConfigException error)
        {
            throw new RolloutTargetException($"the kubeconfig file '{target.Kubeconfig}' of the Kubernetes target {target.Name} cannot be used" +
                $"{(string.IsNullOrEmpty(target.Context) ? "" : $" with context '{target.Context}'")}: {error.Message}", error);
        }
    }
}
