using System.ComponentModel.DataAnnotations;
using Bpdp.Platform.Bus;

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

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Source == KpiSourceKind.Prometheus && PrometheusUrl is null)
        {
            yield return new ValidationResult("Missing configuration key 'KpiGate:PrometheusUrl' (e.g. http://127.0.0.1:9090/), or set KpiGate:Source=Scrape to read the executors' /metrics.");
        }
    }
}
