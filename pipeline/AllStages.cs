using Bpdp.Builder;
using Bpdp.Coordinator;
using Bpdp.KpiGate;
using Bpdp.Ledger;
using Bpdp.Notifier;
using Bpdp.Publisher;
using Bpdp.Rollout;
using Bpdp.Scanner;
using Bpdp.WebConsole;
using MassTransit;
using Microsoft.Extensions.Configuration;

namespace Bpdp.Pipeline;

/// <summary>The one place that knows every stage of the pipeline.</summary>
public static class AllStages
{
    /// <summary>Every stage on one bus, each reading its own options section of <paramref name="configuration"/>.</summary>
    public static IBusRegistrationConfigurator AddAllStages(this IBusRegistrationConfigurator bus, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.AddBuilderStage();
        bus.AddScannerStage();
        bus.AddPublisherStage();
        bus.AddRolloutStage();
        bus.AddKpiGateStage();
        bus.AddLedgerStage();
        bus.AddCoordinatorStage(configuration);
        bus.AddNotifierStage(configuration);
        bus.AddConsoleStage(configuration);
        return bus;
    }
}
