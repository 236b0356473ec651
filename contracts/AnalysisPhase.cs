using System.Text.Json.Serialization;

namespace Bpdp.Contracts;

/// <summary>Which KPI gate produced a verdict.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AnalysisPhase>))]
public enum AnalysisPhase
{
    /// <summary>Before cutover: the new color serves preview and smoke traffic only.</summary>
    PrePromotion,

    /// <summary>After cutover, during the soak window, with the old color kept warm.</summary>
    PostPromotion,
}
