using Bpdp.Contracts;
using Bpdp.Notifier;
using Bpdp.Notifier.Routing;
using Microsoft.Extensions.Options;

namespace Bpdp.UnitTests.Notifier;

internal static class NotifierSamples
{
    public static readonly DeploymentTarget Osha = new("osha", "production", "haz-fast", "1.1.0");

    public static KpiFailed Failed(Guid deployment) => new(deployment, DateTimeOffset.Parse("2026-12-03T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture), Osha,
        AnalysisPhase.PrePromotion, "error-rate failed 2 of 3 measurements (limit 1)",
        [
            new KpiMeasurement(DateTimeOffset.UnixEpoch, "error-rate", 0.01, 0.05, MeasurementOutcome.Successful),
            new KpiMeasurement(DateTimeOffset.UnixEpoch.AddSeconds(1), "error-rate", 0.31, 0.05, MeasurementOutcome.Failed),
            new KpiMeasurement(DateTimeOffset.UnixEpoch.AddSeconds(2), "error-rate", 0.2, 0.05, MeasurementOutcome.Failed),
            new KpiMeasurement(DateTimeOffset.UnixEpoch, "p95-wait-time-seconds", 0.12, 2, MeasurementOutcome.Successful),
        ]);

    public static RouteTable Routes(Uri? console = null, params NotificationRoute[] routes) =>
        new(Options.Create(new NotifierOptions { ConsoleUrl = console, Routes = [.. routes] }));

    public static NotificationRoute Route(string name, string agency = "*", string environment = "*", Trigger[]? triggers = null, params string[] sinks) =>
        new() { Name = name, Agency = agency, Environment = environment, Triggers = [.. triggers ?? []], Sinks = [.. sinks] };
}
