using Bpdp.Notifier.Consumers;
using Bpdp.Notifier.Delivery;
using Bpdp.Notifier.Routing;
using Bpdp.Notifier.Sinks;
using Bpdp.Notifier.Store;
using Bpdp.Platform.Bus;
using Bpdp.Platform.Hosting;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bpdp.Notifier;

/// <summary>
/// Registers the Notifier: its options (validated at start), and — when <c>Notifier:Routes</c> names any route — the
/// notification store <c>Notifier:Store</c> names, the sinks, the dispatcher and the consumer of the notifying events on
/// <c>Notifier:Queue</c>. With no route it consumes nothing and its queue is not declared.
/// </summary>
public static class NotifierStage
{
    public static IBusRegistrationConfigurator AddNotifierStage(this IBusRegistrationConfigurator bus, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(configuration);
        bus.AddOptions<NotifierOptions>().BindConfiguration(NotifierOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        bus.AddSingleton<IValidateOptions<NotifierOptions>, NotifierOptionsValidator>();
        var enabled = configuration.GetSection($"{NotifierOptions.Section}:{nameof(NotifierOptions.Routes)}").GetChildren().Any();
        bus.AddSingleton(new NotifierSwitch(enabled));
        if (!enabled)
        {
            return bus;
        }

        bus.TryAddSingleton(TimeProvider.System);
        bus.AddHttpClient(HttpPost.ClientName, http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
            .RemoveAllLoggers();
        bus.AddSingleton(provider => new NotificationDataSource(NotificationTables.DataSource(Options(provider).Store, Options(provider).ConnectionString)));
        bus.AddSingleton<INotificationStore>(provider => new SqlNotificationStore(provider.GetRequiredService<NotificationDataSource>().Source,
            NotificationTables.TablePrefix(Options(provider).Store, Options(provider).Schema)));
        bus.AddHostedService<NotificationTableCreation>();
        bus.AddSingleton<RouteTable>();
        bus.AddSingleton<SinkSet>();
        bus.AddSingleton<NotificationDispatcher>();
        bus.AddHostedService(provider => provider.GetRequiredService<NotificationDispatcher>());
        bus.AddSingleton<Notifications>();
        bus.AddStageConsumer<NotifyingEventsConsumer, NotifierOptions>();
        return bus;
    }

    private static NotifierOptions Options(IServiceProvider provider) => provider.GetRequiredService<IOptions<NotifierOptions>>().Value;

    /// <summary>Creates the notification tables, if missing, before any message is consumed.</summary>
    private sealed class NotificationTableCreation(NotificationDataSource dataSource, IOptions<NotifierOptions> options) : StartupTask
    {
        protected override Task Run(CancellationToken cancel) => NotificationTables.Create(dataSource.Source, options.Value.Store, options.Value.Schema, cancel);
    }
}

/// <summary>Whether any route is configured: with none, the Notifier is registered but does nothing.</summary>
public sealed record NotifierSwitch(bool Enabled);
