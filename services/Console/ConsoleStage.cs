using Bpdp.Contracts;
using Bpdp.Platform.Bus;
using Bpdp.WebConsole.Actions;
using Bpdp.WebConsole.Auth;
using Bpdp.WebConsole.Board;
using Bpdp.WebConsole.Consumers;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bpdp.WebConsole;

/// <summary>
/// Registers the console when someone can sign in to it (<c>Console:Accounts</c> or <c>Console:Oidc</c>): its board,
/// fed by one consumer per pipeline message type on <c>Console:Queue</c> and from the ledger at start, sign-in, and
/// the signed actions. Map its pages with <see cref="Api.ConsoleEndpoints.MapConsole"/>.
/// </summary>
public static class ConsoleStage
{
    public static IBusRegistrationConfigurator AddConsoleStage(this IBusRegistrationConfigurator bus, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(configuration);
        bus.AddOptions<ConsoleOptions>().BindConfiguration(ConsoleOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var options = configuration.GetSection(ConsoleOptions.Section).Get<ConsoleOptions>() ?? new ConsoleOptions();
        var enabled = options.Accounts.Count > 0 || options.Oidc?.Authority is not null;
        bus.AddSingleton(new ConsoleSwitch(enabled));
        if (!enabled)
        {
            return bus;
        }

        bus.TryAddSingleton(TimeProvider.System);
        bus.AddSingleton(provider => new DeploymentBoard(provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<ConsoleOptions>>().Value.MaxDeployments));
        bus.AddSingleton<LocalSignIn>();
        bus.AddSingleton(provider => new OperatorCommands(provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<ConsoleOptions>>(),
            provider.GetRequiredService<DeploymentBoard>(), provider.GetRequiredService<IBus>(), provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<OperatorCommands>>()));
        bus.AddHttpClient<LedgerClient>(http => http.Timeout = TimeSpan.FromSeconds(30)).RemoveAllLoggers();
        bus.AddHttpClient<NotifierClient>(http => http.Timeout = TimeSpan.FromSeconds(10)).RemoveAllLoggers();
        bus.AddHostedService<LedgerBackfill>();
        ConsoleAuthentication.Add(bus, options);
        foreach (var type in PipelineMessageTypes.All)
        {
            var consumer = typeof(PipelineEventConsumer<>).MakeGenericType(type);
            bus.AddConsumer(consumer, typeof(ConsoleConsumerDefinition<>).MakeGenericType(consumer));
        }

        return bus;
    }
}

/// <summary>Whether anyone can sign in: with no account and no identity provider, the console is not started.</summary>
public sealed record ConsoleSwitch(bool Enabled);
