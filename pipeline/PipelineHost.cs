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
    private const string ConsoleNotifierInProcess = "Console:NotifierInProcess";

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

        foreach (var inProcess in new[] { ConsoleLedgerInProcess, ConsoleNotifierInProcess })
        {
            if (builder.Configuration[inProcess] is null)
            {
                // The Ledger's and the Notifier's APIs are served here too: the console asks them on this process's own address.
                builder.Configuration.AddInMemoryCollection([KeyValuePair.Create(inProcess, (string?)"true")]);
            }
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
