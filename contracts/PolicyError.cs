namespace Bpdp.Contracts;

/// <summary>One validation error in a policy artifact, located so its author can fix it.</summary>
/// <param name="Line">1-based line in the policy YAML.</param>
/// <param name="Column">1-based column in the policy YAML.</param>
/// <param name="Path">The YAML path of the offending node, e.g. <c>spec.rules[2].when</c>.</param>
/// <param name="Message">What is wrong and how to fix it.</param>
public sealed record PolicyError(int Line, int Column, string Path, string Message)
{
    /// <summary><c>line:column: message</c>, as editors and compilers print a located error.</summary>
    public override string ToString() => $"{Line}:{Column}: {Message}";
}
