using Bpdp.Ledger.Api;
using Bpdp.Notifier.Api;
using Bpdp.Platform.Hosting;
using Bpdp.WebConsole.Api;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace Bpdp.Pipeline;

/// <summary>Every stage in one process: <c>bpdp up</c> against real servers, <c>bpdp demo</c> and the benchmarks embedded.</summary>
public static class PipelineHost
{
    private const string StopDataPlaneWithRollout = "Rollout:DataPlane:StopWithRollout";
    private const string ConsoleLedgerInProcess = "Console:LedgerInProcess";

    /// <param name="builder">A web application builder whose configuration is complete.</param>
    /// <param name="serviceName">The process's name in logs and metrics.</param>
    /// <param name="alsoOnTheBus">Consumers beside the stages, e.g. a recorder of every message.</param>
    public static WebApplication Build(WebApplicationBuilder builder, string serviceName = "bpdp", Action<IBusRegistrationConfigurator>? alsoOnTheBus = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Configuration[StopDataPlaneWithRollout] is null)
        {
            // All stages in one process stop together: the local data plane with them, unless configured to outlive them.
            builder.Configuration.AddInMemoryCollection([KeyValuePair.Create(StopDataPlaneWithRollout, (string?)"true")]);
        }

        if (builder.Configuration[ConsoleLedgerInProcess] is null)
        {
            // The Ledger's read API is served here too: the console asks it on this process's own address.
            builder.Configuration.AddInMemoryCollection([KeyValuePair.Create(ConsoleLedgerInProcess, (string?)"true")]);
        }

        builder.AddBpdpService(serviceName, bus =>
        {
            bus.AddAllStages(builder.Configuration);
            alsoOnTheBus?.Invoke(bus);
        });
        var app = builder.Build();
        app.MapBpdpEndpoints();
        app.MapNotifierEndpoints();
        app.MapLedgerEndpoints();
        app.MapConsole();
        return app;
    }
}
