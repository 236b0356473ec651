namespace Bpdp.KpiGate.Analysis;

/// <summary>Where an analysis stands, from best to worst; across metrics, the worst wins.</summary>
public enum AnalysisResult
{
    Successful,
    Running,
    Inconclusive,
    Error,
    Failed,
}

/// <summary>The analysis's state and, once it ended badly, which limit was reached.</summary>
public sealed record AnalysisVerdict(AnalysisResult Result, string Reason)
{
    public bool IsFinished => Result != AnalysisResult.Running;
}
