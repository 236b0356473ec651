using System.ComponentModel.DataAnnotations;

namespace Bpdp.Rollout.Targets;

/// <summary>One entry of <c>Rollout:Targets</c>: where one agency's environment runs, and how to reach it.</summary>
public sealed class TargetOptions
{
    [Required(ErrorMessage = "every Rollout:Targets entry needs an Agency")]
    public string Agency { get; set; } = "";

    [Required(ErrorMessage = "every Rollout:Targets entry needs an Environment")]
    public string Environment { get; set; } = "";

    public TargetKind Kind { get; set; } = TargetKind.Local;

    /// <summary>Docker: the engine's endpoint (<c>unix:///var/run/docker.sock</c>, <c>tcp://host:2376</c>).</summary>
    public string DockerHost { get; set; } = "unix:///var/run/docker.sock";

    /// <summary>Kubernetes: the kubeconfig file of the agency's cluster (each agency runs in its own account).</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>Kubernetes: the kubeconfig context; its current context when empty.</summary>
    public string? Context { get; set; }

    /// <summary>Kubernetes: the namespace the policy's Deployments and Services live in; the context's namespace when empty.</summary>
    public string? Namespace { get; set; }

    /// <summary>Kubernetes: the pods of each color's Deployment.</summary>
    [Range(1, 100, ErrorMessage = "Rollout:Targets Replicas must be between 1 and 100")]
    public int Replicas { get; set; } = 1;

    public string Name => $"{Agency}/{Environment}";
}
