using System.Text.Json.Serialization;

namespace Bpdp.Contracts;

/// <summary>The verdict on one KPI measurement, as in Argo Rollouts' analysis runs.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MeasurementOutcome>))]
public enum MeasurementOutcome
{
    /// <summary>Within its threshold.</summary>
    Successful,

    /// <summary>Beyond its threshold.</summary>
    Failed,

    /// <summary>No usable value (empty result or NaN): never counted as a pass.</summary>
    Inconclusive,

    /// <summary>The metric source could not be queried.</summary>
    Error,
}
