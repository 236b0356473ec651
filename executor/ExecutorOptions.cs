using Bpdp.Policy.Evaluation;

namespace Bpdp.Executor;

/// <summary>Where the executor finds its policy and which slot it serves, from the environment.</summary>
public sealed class ExecutorOptions
{
    /// <summary><c>BPDP_POLICY</c>: the policy file; in the image it is <c>/policy/policy.yaml</c>.</summary>
    public string PolicyPath { get; set; } = "/policy/policy.yaml";

    /// <summary><c>BPDP_COLOR</c>: <c>blue</c> or <c>green</c>, the <c>color</c> label of every metric.</summary>
    public string Color { get; set; } = "blue";

    /// <summary>How often the executor looks again for a policy file that is not there yet (a volume still mounting).</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>What deciding one case may spend (comprehension steps, time) before it is refused with HTTP 422.</summary>
    public EvaluationBudget Evaluation { get; set; } = EvaluationBudget.Default;

    /// <summary>The largest case body accepted.</summary>
    public const int MaxCaseBytes = 64 * 1024;
}
