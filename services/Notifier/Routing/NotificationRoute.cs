namespace Bpdp.Notifier.Routing;

/// <summary>
/// One route, <c>Notifier:Routes:&lt;n&gt;</c>: the events of an agency's environment (<c>*</c> for any) that notify, and the
/// sinks they go to.
/// </summary>
public sealed class NotificationRoute
{
    /// <summary>The route's name, in logs and in the store; unique.</summary>
    public string Name { get; set; } = "";

    /// <summary>The agency, or <c>*</c>.</summary>
    public string Agency { get; set; } = "*";

    /// <summary>The environment, or <c>*</c>.</summary>
    public string Environment { get; set; } = "*";

    /// <summary>The triggers that notify: <c>KpiFailed</c>, <c>DeploymentRolledBack</c>, …; empty for every one.</summary>
    public List<Trigger> Triggers { get; set; } = [];

    /// <summary>The names of the sinks (<c>Notifier:Sinks</c>) the notifications go to.</summary>
    public List<string> Sinks { get; set; } = [];
}
