namespace Bpdp.Notifier.Sinks;

/// <summary>What a sink speaks: <c>Notifier:Sinks:&lt;name&gt;:Kind</c>.</summary>
public enum SinkKind
{
    /// <summary>A JSON POST, signed <c>X-Bpdp-Signature: sha256=&lt;HMAC-SHA256 of the body&gt;</c> with the sink's secret.</summary>
    Webhook,

    /// <summary>A Slack incoming webhook (text and blocks).</summary>
    Slack,

    /// <summary>A Microsoft Teams incoming webhook or workflow (an Adaptive Card message).</summary>
    Teams,

    /// <summary>E-mail over SMTP.</summary>
    Email,
}
