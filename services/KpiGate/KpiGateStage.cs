using Bpdp.KpiGate.Consumers;
using Bpdp.KpiGate.Sources;
using Bpdp.Platform.Bus;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bpdp.KpiGate;

/// <summary>Registers the KpiGate: both gates and the stop consumer on <c>KpiGate:Queue</c>, and the KPI source <c>KpiGate:Source</c> names.</summary>
public static class KpiGateStage
{
    public static IBusRegistrationConfigurator AddKpiGateStage(this IBusRegistrationConfigurator bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.AddOptions<KpiGateOptions>().BindConfiguration(KpiGateOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        bus.TryAddSingleton(TimeProvider.System);
        // Smoke traffic sends dozens of requests a second: the client's per-request log lines would drown the verdicts.
        bus.AddHttpClient(nameof(GateRunner), http => http.Timeout = TimeSpan.FromSeconds(10)).RemoveAllLoggers();
        bus.AddSingleton<IKpiSource>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<KpiGateOptions>>().Value;
            var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(GateRunner));
            return options.Source == KpiSourceKind.Scrape
                ? new ScrapeSource(http)
                : new PrometheusSource(http, Endpoints.Base(options.PrometheusUrl!.ToString()), TimeSpan.FromSeconds(options.RateWindowSeconds), TimeSpan.FromSeconds(options.FirstDataTimeoutSeconds),
                    provider.GetRequiredService<ILogger<PrometheusSource>>());
        });
        bus.AddSingleton<RunningAnalyses>();
        bus.AddSingleton<GateRunner>();
        bus.AddStageConsumer<GreenReadyConsumer, KpiGateOptions>();
        bus.AddStageConsumer<TrafficCutOverConsumer, KpiGateOptions>();
        bus.AddStageConsumer<AnalysisStopConsumer, KpiGateOptions>();
        return bus;
    }
}
