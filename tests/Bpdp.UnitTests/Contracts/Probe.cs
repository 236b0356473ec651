namespace Bpdp.UnitTests.Contracts;

/// <summary>One message as it was: the baseline of the drift check.</summary>
public static class Original
{
    /// <summary>The message.</summary>
    /// <param name="DeploymentId">Id.</param>
    public sealed record Message(Guid DeploymentId);
}

/// <summary>The same message with a field added.</summary>
public static class FieldAdded
{
    /// <summary>The message.</summary>
    /// <param name="DeploymentId">Id.</param>
    /// <param name="Added">New.</param>
    public sealed record Message(Guid DeploymentId, string Added);
}

/// <summary>The same message with a field's type changed.</summary>
public static class TypeChanged
{
    /// <summary>The message.</summary>
    /// <param name="DeploymentId">Id.</param>
    public sealed record Message(string DeploymentId);
}
