namespace Bpdp.Policy;

/// <summary>One validation error in a policy file, located so its author can fix it.</summary>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
/// <param name="Path">The YAML path of the offending node, e.g. <c>spec.rules[2].when</c>.</param>
/// <param name="Message">What is wrong and how to fix it.</param>
public sealed record PolicyError(int Line, int Column, string Path, string Message)
{
    public override string ToString() => $"{Line}:{Column}: {Message}";
}
