namespace Bpdp.Trust.Operators;

/// <summary>What an operator key may command the Coordinator to do.</summary>
public enum OperatorRole
{
    /// <summary>Stop a deployment (<c>AbortDeployment</c>).</summary>
    Abort,

    /// <summary>End a deployment's soak now (<c>PromoteDeployment</c>).</summary>
    Promote,
}
