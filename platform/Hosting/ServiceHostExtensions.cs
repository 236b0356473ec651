using System.Net;
using Bpdp.Platform.Bus;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Bpdp.Platform.Hosting;

/// <summary>What every BPDP service shares: bus, logging, metrics and health, from configuration.</summary>
public static class ServiceHostExtensions
{
    /// <summary>
    /// Makes this host a BPDP service running the given stages: its bus (see <see cref="BusRegistration.AddBpdpBus"/>),
    /// structured console logs, and an HTTP listener for <c>/metrics</c> and <c>/healthz</c>. Options are validated
    /// at start-up; a missing key stops the service with a message naming it.
    /// </summary>
    /// <param name="builder">The web application being built.</param>
    /// <param name="serviceName">The service's name in logs, e.g. <c>builder</c> or <c>bpdp</c> for the all-in-one host.</param>
    /// <param name="addStages">Adds the stages this process runs.</param>
    public static WebApplicationBuilder AddBpdpService(this WebApplicationBuilder builder, string serviceName, Action<IBusRegistrationConfigurator> addStages)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);

        builder.Services.AddOptions<ServiceOptions>().BindConfiguration(ServiceOptions.Section)
            .PostConfigure(options => options.Name = serviceName).ValidateDataAnnotations().ValidateOnStart();
        var service = builder.Configuration.GetSection(ServiceOptions.Section).Get<ServiceOptions>() ?? new ServiceOptions();

        ConfigureLogging(builder.Logging, service);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(ParseAddress(service.HttpAddress), service.HttpPort));
        builder.Services.AddHealthChecks();
        builder.AddBpdpBus(addStages);
        return builder;
    }

    /// <summary>Maps <c>/metrics</c> (Prometheus text format: consume counts and durations per message type, HTTP and process metrics) and <c>/healthz</c>.</summary>
    public static WebApplication MapBpdpEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseHttpMetrics();
        app.MapMetrics("/metrics");
        app.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = HealthReportWriter.Write });
        app.Lifetime.ApplicationStarted.Register(() => LogStarted(app));
        return app;
    }

    private static void ConfigureLogging(ILoggingBuilder logging, ServiceOptions service)
    {
        logging.ClearProviders();
        if (service.LogFormat == "json")
        {
            logging.AddJsonConsole(json =>
            {
                json.IncludeScopes = true;
                json.UseUtcTimestamp = true;
                json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            });
        }
        else
        {
            logging.AddSimpleConsole(text =>
            {
                text.SingleLine = true;
                text.IncludeScopes = true;
                text.UseUtcTimestamp = true;
                text.TimestampFormat = "HH:mm:ss.fff ";
            });
        }

        logging.Services.Configure<LoggerFactoryOptions>(options => options.ActivityTrackingOptions = ActivityTrackingOptions.TraceId);
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("MassTransit", LogLevel.Information);
    }

    private static void LogStarted(WebApplication app)
    {
        var service = app.Services.GetRequiredService<IOptions<ServiceOptions>>().Value;
        var bus = app.Services.GetRequiredService<IOptions<BusOptions>>().Value;
        app.Logger.LogInformation("{Service} started: transport {Transport}, /metrics and /healthz on {Urls}",
            service.Name, bus.Transport, string.Join(", ", app.Urls));
    }

    private static IPAddress ParseAddress(string address) =>
        IPAddress.TryParse(address, out var parsed)
            ? parsed
            : throw new InvalidOperationException($"Service:HttpAddress '{address}' is not an IP address, e.g. 0.0.0.0 or 127.0.0.1.");
}
