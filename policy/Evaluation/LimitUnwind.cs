using Cel;

namespace Bpdp.Policy.Evaluation;

/// <summary>
/// Thrown inside a CEL evaluation when it breaks a limit, to stop it at once. It derives from
/// <see cref="CelNoSuchFieldException"/> because that is the one exception the Cel package's macros and
/// logical operators rethrow instead of absorbing (<c>false || error</c> would otherwise carry on).
/// </summary>
internal sealed class LimitUnwind(EvaluationLimit limit, string detail) : CelNoSuchFieldException(detail)
{
    public EvaluationLimit Limit { get; } = limit;
}
