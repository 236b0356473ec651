namespace Bpdp.Policy.Evaluation;

/// <summary>One problem with a case, named by its field, e.g. <c>injuries: must be a number, got "three"</c>.</summary>
public sealed record CaseError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}
