using System.ComponentModel.DataAnnotations;
using Bpdp.KpiGate.Runs;
using Bpdp.Platform.Bus;
using Bpdp.Trust.Approvals;

namespace Bpdp.KpiGate;

/// <summary>Where KPIs come from: <c>KpiGate:Source</c>.</summary>
public enum KpiSourceKind
{
    /// <summary>The Prometheus HTTP API (<c>KpiGate:PrometheusUrl</c>).</summary>
    Prometheus,

    /// <summary>The executor's own <c>/metrics</c>, scraped directly (the embedded mode).</summary>
    Scrape,
}

/// <summary>Configuration section <c>KpiGate</c>.</summary>
public sealed class KpiGateOptions : IValidatableObject, IStageOptions
{
    public const string Section = "KpiGate";

    /// <summary><c>KpiGate:Queue</c>: the queue GreenReady and TrafficCutOver are read from.</summary>
    [RegularExpression("^[a-z0-9][a-z0-9-]{0,62}$", ErrorMessage = "KpiGate:Queue must be a kebab-case queue name.")]
    public string Queue { get; set; } = "kpi-gate";

    public KpiSourceKind Source { get; set; } = KpiSourceKind.Prometheus;

    /// <summary><c>KpiGate:PrometheusUrl</c>, e.g. <c>http://prometheus:9090/</c>; required for the Prometheus source.</summary>
    public Uri? PrometheusUrl { get; set; }

    /// <summary><c>KpiGate:RateWindowSeconds</c>: the shortest range of a PromQL <c>rate()</c> (at least a few scrape intervals).</summary>
    [Range(1, 3600)]
    public int RateWindowSeconds { get; set; } = 60;

    /// <summary>
    /// <c>KpiGate:FirstDataTimeoutSeconds</c>: with Prometheus, how long a gate waits for the first rate of the new
    /// version (service discovery plus two scrapes) before it starts measuring; measuring starts anyway after it.
    /// </summary>
    [Range(0, 3600)]
    public int FirstDataTimeoutSeconds { get; set; } = 60;

    /// <summary><c>KpiGate:SmokeTraffic</c>: replay samples against green during the pre-promotion gate.</summary>
    public bool SmokeTraffic { get; set; } = true;

    /// <summary><c>KpiGate:MaxIntervalSeconds</c>: caps the policy's analysis interval — for demonstrations and tests, never production.</summary>
    [Range(0.1, 3600)]
    public double? MaxIntervalSeconds { get; set; }

    /// <summary><c>KpiGate:MaxSoakSeconds</c>: caps the policy's soak window — for demonstrations and tests, never production.</summary>
    [Range(0.1, 86_400)]
    public double? MaxSoakSeconds { get; set; }

    /// <summary><c>KpiGate:Store</c>: where analysis runs and their measurements are kept — <c>Sqlite</c> (one process) or <c>Postgres</c> (replicas share runs).</summary>
    public AnalysisStoreKind Store { get; set; } = AnalysisStoreKind.Sqlite;

    /// <summary><c>KpiGate:ConnectionString</c>: the SQLite file (<c>Data Source=bpdp-kpigate.db</c>) or the PostgreSQL database.</summary>
    public string ConnectionString { get; set; } = "Data Source=bpdp-kpigate.db";

    /// <summary><c>KpiGate:Schema</c>: the PostgreSQL schema of the run tables.</summary>
    [RegularExpression("^[a-z_][a-z0-9_]{0,62}$", ErrorMessage = "KpiGate:Schema must be a plain lowercase SQL identifier.")]
    public string Schema { get; set; } = "kpigate";

    /// <summary>
    /// <c>KpiGate:LeaseSeconds</c>: how long a replica's claim on a run lasts without renewal (it renews three times as often);
    /// a replica that dies loses its runs to another this long after its last renewal.
    /// </summary>
    [Range(2, 600)]
    public double LeaseSeconds { get; set; } = 15;

    /// <summary><c>KpiGate:PollMilliseconds</c>: how often a replica looks for runs nobody holds.</summary>
    [Range(50, 60_000)]
    public int PollMilliseconds { get; set; } = 500;

    /// <summary><c>KpiGate:MaxConcurrentAnalyses</c>: runs one replica holds at once; the others wait for a replica with room.</summary>
    [Range(1, 10_000)]
    public int MaxConcurrentAnalyses { get; set; } = 64;

    /// <summary>
    /// <c>KpiGate:ApprovalWaitSeconds</c>: how long a run waits for its deployment's verified approval (the thresholds' only
    /// source) before it fails; the approval normally arrives minutes before the image is ready.
    /// </summary>
    [Range(1, 3600)]
    public double ApprovalWaitSeconds { get; set; } = 120;

    /// <summary>
    /// <c>KpiGate:TrustedKeys:&lt;keyId&gt;</c>: the approval system's keys, configured as the Builder's; the gate takes thresholds,
    /// analysis settings and samples only from a policy approved under one of them.
    /// </summary>
    public Dictionary<string, ApprovalKeyOptions> TrustedKeys { get; set; } = new(StringComparer.Ordinal);

    /// <summary><c>KpiGate:MaxApprovalAgeHours</c>: approvals given longer ago than this are refused as stale.</summary>
    [Range(0.01, 8760, ErrorMessage = "KpiGate:MaxApprovalAgeHours must be between 0.01 and 8760 (a year).")]
    public double MaxApprovalAgeHours { get; set; } = 24;

    /// <summary>
    /// <c>KpiGate:WebMetricHosts</c>: the hosts a policy's <c>web</c> metrics may read (exact names). The Builder refuses a policy
    /// naming any other at validation; the gate never calls one.
    /// </summary>
    public List<string> WebMetricHosts { get; set; } = [];

    /// <summary><c>KpiGate:Floors:&lt;environment&gt;</c>: the loosest thresholds a policy may set in that environment (<c>*</c>: every environment).</summary>
    public Dictionary<string, KpiFloor> Floors { get; set; } = new(StringComparer.Ordinal);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var problem in TrustedKeys.SelectMany(key => key.Value.Problems($"{Section}:{nameof(TrustedKeys)}:{key.Key}")))
        {
            yield return new ValidationResult(problem);
        }

        foreach (var (environment, floor) in Floors)
        {
            if (floor.ErrorRateMax is < 0 or > 1 || floor.P95WaitTimeMaxSeconds is <= 0)
            {
                yield return new ValidationResult($"KpiGate:Floors:{environment}: ErrorRateMax must be between 0 and 1 and P95WaitTimeMaxSeconds above 0.");
            }
        }

        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult("KpiGate:ConnectionString is empty: name the SQLite file (Data Source=bpdp-kpigate.db) or the PostgreSQL database the runs are kept in.");
        }

        if (Source == KpiSourceKind.Prometheus && PrometheusUrl is null)
        {
            yield return new ValidationResult("Missing configuration key 'KpiGate:PrometheusUrl' (e.g. http://127.0.0.1:9090/), or set KpiGate:Source=Scrape to read the executors' /metrics.");
        }
    }
}
