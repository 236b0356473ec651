using Bpdp.KpiGate.Consumers;
using Bpdp.KpiGate.Runs;
using Bpdp.KpiGate.Sources;
using Bpdp.Platform.Bus;
using Bpdp.Platform.Hosting;
using Bpdp.Trust.Approvals;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bpdp.KpiGate;

/// <summary>
/// Registers the KpiGate: the approval keeper, both gates and the stop consumer on <c>KpiGate:Queue</c>, the run store
/// <c>KpiGate:Store</c> names, the driver that measures the runs, and the KPI source <c>KpiGate:Source</c> names.
/// </summary>
public static class KpiGateStage
{
    /// <summary>The service key of the KpiGate's own <see cref="ApprovalEvidence"/>: in one process with other stages, each verifies with its own keys.</summary>
    public const string ApprovalEvidenceKey = "KpiGate";

    private const string ApprovalKeysSection = $"{KpiGateOptions.Section}:{nameof(KpiGateOptions.TrustedKeys)}";

    public static IBusRegistrationConfigurator AddKpiGateStage(this IBusRegistrationConfigurator bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.AddOptions<KpiGateOptions>().BindConfiguration(KpiGateOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        bus.TryAddSingleton(TimeProvider.System);
        // Smoke traffic sends dozens of requests a second: the client's per-request log lines would drown the verdicts.
        bus.AddHttpClient(nameof(HeldAnalysis), http => http.Timeout = TimeSpan.FromSeconds(10)).RemoveAllLoggers();
        bus.AddHttpClient(HeldAnalysis.WebMetricsClient, http => http.Timeout = TimeSpan.FromSeconds(10))
            .ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler { AllowAutoRedirect = false }).RemoveAllLoggers();
        bus.AddSingleton<IKpiSource>(provider =>
        {
            var options = Options(provider);
            var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(HeldAnalysis));
            return options.Source == KpiSourceKind.Scrape
                ? new ScrapeSource(http)
                : new PrometheusSource(http, Endpoints.Base(options.PrometheusUrl!.ToString()), TimeSpan.FromSeconds(options.RateWindowSeconds), TimeSpan.FromSeconds(options.FirstDataTimeoutSeconds),
                    provider.GetRequiredService<ILogger<PrometheusSource>>());
        });
        bus.AddKeyedSingleton(ApprovalEvidenceKey, (provider, _) => ApprovalKeyRing.Load(ApprovalKeysSection, Options(provider).TrustedKeys));
        bus.AddKeyedSingleton(ApprovalEvidenceKey, (provider, key) => new ApprovalEvidence(provider.GetRequiredKeyedService<ApprovalKeyRing>(key),
            provider.GetRequiredService<TimeProvider>(), TimeSpan.FromHours(Options(provider).MaxApprovalAgeHours), ApprovalKeysSection));
        bus.AddSingleton(provider => new AnalysisDataSource(AnalysisTables.DataSource(Options(provider).Store, Options(provider).ConnectionString)));
        bus.AddSingleton<IAnalysisStore>(provider => new SqlAnalysisStore(provider.GetRequiredService<AnalysisDataSource>().Source,
            AnalysisTables.TablePrefix(Options(provider).Store, Options(provider).Schema)));
        bus.AddHostedService<AnalysisTableCreation>();
        bus.AddSingleton<RunningAnalyses>();
        bus.AddSingleton<HeldAnalysis>();
        bus.AddSingleton<AnalysisDriver>();
        bus.AddHostedService(provider => provider.GetRequiredService<AnalysisDriver>());
        bus.AddSingleton<AnalysisRequests>();
        bus.AddStageConsumer<ArtifactApprovedConsumer, KpiGateOptions>();
        bus.AddStageConsumer<GreenReadyConsumer, KpiGateOptions>();
        bus.AddStageConsumer<TrafficCutOverConsumer, KpiGateOptions>();
        bus.AddStageConsumer<AnalysisStopConsumer, KpiGateOptions>();
        return bus;
    }

    private static KpiGateOptions Options(IServiceProvider provider) => provider.GetRequiredService<IOptions<KpiGateOptions>>().Value;

    /// <summary>Creates the run tables, if missing, before any message is consumed.</summary>
    private sealed class AnalysisTableCreation(AnalysisDataSource dataSource, IOptions<KpiGateOptions> options) : StartupTask
    {
        protected override Task Run(CancellationToken cancel) =>
            AnalysisTables.Create(dataSource.Source, options.Value.Store, AnalysisTables.TablePrefix(options.Value.Store, options.Value.Schema), options.Value.Schema, cancel);
    }
}
