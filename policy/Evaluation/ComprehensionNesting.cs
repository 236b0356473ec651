using Antlr4.Runtime.Tree;
using Cel.Internal;

namespace Bpdp.Policy.Evaluation;

/// <summary>How deeply a condition nests comprehensions, read from its CEL parse tree.</summary>
internal static class ComprehensionNesting
{
    private static readonly HashSet<string> Macros = new(["all", "exists", "exists_one", "map", "filter"], StringComparer.Ordinal);

    /// <summary>
    /// The deepest nesting of comprehension macros (<c>list.all(x, predicate)</c> and its kin): a comprehension
    /// is one deeper than the deepest inside its predicate, which runs once per element; its target list is
    /// evaluated once, so comprehensions there count on their own.
    /// </summary>
    public static int Depth(IParseTree node)
    {
        if (node is CelParser.MemberCallContext { id.Text: { } name } call && Macros.Contains(name) && call.exprList() is { } args && args._e.Count == 2)
        {
            return Math.Max(Depth(call.member()), 1 + Depth(args._e[1]));
        }

        var deepest = 0;
        for (var i = 0; i < node.ChildCount; i++)
        {
            deepest = Math.Max(deepest, Depth(node.GetChild(i)));
        }

        return deepest;
    }
}
