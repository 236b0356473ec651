using System.Text.Json.Serialization;

namespace Bpdp.Contracts;

/// <summary>How serious a scan finding is; the scanner's gate blocks at a configured level.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Severity>))]
public enum Severity
{
    /// <summary>Informational.</summary>
    Low,

    /// <summary>Worth fixing.</summary>
    Medium,

    /// <summary>Blocks by default.</summary>
    High,

    /// <summary>Always blocks.</summary>
    Critical,
}
