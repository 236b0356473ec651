using Prometheus;

namespace Bpdp.Executor;

/// <summary>Builds the executor: the policy server that runs inside every policy image.</summary>
public static class ExecutorApp
{
    /// <summary>
    /// Configuration: <c>BPDP_POLICY</c> (the policy file), <c>BPDP_COLOR</c> (blue or green), and
    /// where to listen from <c>ASPNETCORE_URLS</c> (default port 8080).
    /// </summary>
    /// <param name="args">Command-line arguments, e.g. <c>--urls</c>.</param>
    /// <param name="configure">Overrides of the options read from the environment.</param>
    /// <param name="logging">Where its log goes when hosted by another program (default: the console).</param>
    public static WebApplication Build(string[] args, Action<ExecutorOptions>? configure = null, Action<ILoggingBuilder>? logging = null)
    {
        // Nothing here reloads its configuration: a file watcher would cost an inotify instance, of which a user has 128 by default.
        var builder = WebApplication.CreateSlimBuilder([.. args, "--hostBuilder:reloadConfigOnChange=false"]);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls("http://0.0.0.0:8080");
        }

        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.UseUtcTimestamp = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        logging?.Invoke(builder.Logging);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = ExecutorOptions.MaxCaseBytes);
        builder.Services.AddOptions<ExecutorOptions>().Configure(options =>
        {
            options.PolicyPath = builder.Configuration["BPDP_POLICY"] is { Length: > 0 } path ? path : options.PolicyPath;
            options.Color = builder.Configuration["BPDP_COLOR"] is { Length: > 0 } color ? color : options.Color;
            configure?.Invoke(options);
        });
        builder.Services.AddSingleton<ServedPolicy>();
        builder.Services.AddSingleton<ExecutorMetrics>();
        builder.Services.AddHostedService<PolicyLoader>();

        var app = builder.Build();
        var state = app.Services.GetRequiredService<ServedPolicy>();
        // Readiness drops first on shutdown, so the proxy stops sending while in-flight requests drain.
        app.Lifetime.ApplicationStopping.Register(() => state.Stopping = true);
        app.MapHealth();
        app.MapEvaluation();
        app.MapMetrics("/metrics", app.Services.GetRequiredService<ExecutorMetrics>().Registry);
        return app;
    }
}
