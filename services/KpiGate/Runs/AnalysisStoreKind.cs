namespace Bpdp.KpiGate.Runs;

/// <summary>Where analysis runs are kept: <c>KpiGate:Store</c>.</summary>
public enum AnalysisStoreKind
{
    /// <summary>A SQLite file: one KpiGate process (the embedded mode, a single host).</summary>
    Sqlite,

    /// <summary>PostgreSQL: every KpiGate replica sees every run, and any of them resumes one whose holder died.</summary>
    Postgres,
}
