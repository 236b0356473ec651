using Bpdp.Policy.Model;

namespace Bpdp.Policy.Evaluation;

/// <summary>What a policy decided for one case, and which rule decided it (<c>default</c> when none matched).</summary>
public sealed record Decision(Outcome Outcome, string Rule)
{
    public const string DefaultRule = "default";
}
