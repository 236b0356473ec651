using System.Text.Json.Serialization;

namespace Bpdp.Contracts;

/// <summary>The stages of the pipeline, as named in events that report where something happened.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PipelineStage>))]
public enum PipelineStage
{
    /// <summary>Verifies the approval and builds the OCI image.</summary>
    Builder,

    /// <summary>Scans the image for secrets, lint errors and vulnerabilities.</summary>
    Scanner,

    /// <summary>Promotes, tags and signs the image in the release repository.</summary>
    Publisher,

    /// <summary>Brings up the new color and moves traffic.</summary>
    Rollout,

    /// <summary>Judges the new color on live KPIs.</summary>
    KpiGate,

    /// <summary>The deployment saga.</summary>
    Coordinator,

    /// <summary>Tells operators what happened, where they already are (webhooks, chat, e-mail).</summary>
    Notifier,

    /// <summary>The operators' web console.</summary>
    Console,
}
