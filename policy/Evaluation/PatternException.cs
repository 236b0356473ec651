using Cel;

namespace Bpdp.Policy.Evaluation;

/// <summary>A <c>matches()</c> pattern that is not valid RE2-style syntax (see <see cref="BoundedCel"/>).</summary>
internal sealed class PatternException(string message, Exception inner) : CelException(message, inner);
