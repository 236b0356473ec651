using Bpdp.Contracts;
using Bpdp.Notifier.Triggers;
using Bpdp.Platform.Bus;
using Microsoft.Extensions.Options;

namespace Bpdp.Notifier.Routing;

/// <summary>
/// Which sinks an occurrence notifies, and what each is told. A route matches the agency and environment of the
/// deployment (<c>*</c> for any) and one of its triggers; an occurrence whose target nothing has named yet (a refusal
/// before anything was built) matches only routes for every agency and environment.
/// </summary>
public sealed class RouteTable(IOptions<NotifierOptions> options)
{
    /// <summary>The notifications of <paramref name="occurrence"/>: one per matching route and sink.</summary>
    /// <param name="occurrence">What happened.</param>
    /// <param name="target">Its deployment's target, from the event or its deployment's earlier events.</param>
    /// <param name="evidence">The measurements behind it: the event's own, or for a rollback the failed gate's.</param>
    public IReadOnlyList<Notification> For(Occurrence occurrence, DeploymentTarget? target, IReadOnlyList<KpiMeasurement> evidence)
    {
        ArgumentNullException.ThrowIfNull(occurrence);
        ArgumentNullException.ThrowIfNull(evidence);
        var settings = options.Value;
        var title = target is null
            ? $"Deployment {occurrence.DeploymentId}: {occurrence.What}"
            : $"{target.PolicyName} {target.PolicyVersion} on {target.Agency}/{target.Environment}: {occurrence.What}";
        var details = Evidence.Lines(evidence);
        var link = settings.ConsoleUrl is { } console ? new Uri(console, $"deployments/{occurrence.DeploymentId}") : null;
        return settings.Routes
            .Where(route => Matches(route, occurrence.Trigger, target))
            .SelectMany(route => route.Sinks.Distinct(StringComparer.Ordinal).Select(sink => new Notification(
                IdOf(occurrence, route.Name, sink), occurrence.Trigger, occurrence.DeploymentId, occurrence.OccurredAt, target,
                title, occurrence.Why, details, evidence, link, route.Name, sink)))
            .ToList();
    }

    /// <summary>True when some route would notify <paramref name="trigger"/> for some deployment.</summary>
    public bool AnyFor(Trigger trigger) => options.Value.Routes.Any(route => route.Triggers.Count == 0 || route.Triggers.Contains(trigger));

    private static bool Matches(NotificationRoute route, Trigger trigger, DeploymentTarget? target) =>
        (route.Triggers.Count == 0 || route.Triggers.Contains(trigger))
        && (target is null
            ? route.Agency == "*" && route.Environment == "*"
            : Matches(route.Agency, target.Agency) && Matches(route.Environment, target.Environment));

    private static bool Matches(string pattern, string value) => pattern == "*" || string.Equals(pattern, value, StringComparison.OrdinalIgnoreCase);

    private static Guid IdOf(Occurrence occurrence, string route, string sink) =>
        DeterministicIds.From($"{occurrence.DeploymentId:D}/{occurrence.Trigger}/{occurrence.Distinct}/{route}/{sink}");
}
