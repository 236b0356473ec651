using System.CommandLine;
using Bpdp.Pipeline;
using Bpdp.Platform.Bus;
using Bpdp.Platform.Bus.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Bpdp.Cli.Commands;

/// <summary>
/// <c>bpdp up</c>: every stage service in this one process, against the servers the configuration names
/// (<c>appsettings.json</c> in the current folder, then environment variables), until stopped. The same
/// stages run one per process with <c>dotnet run --project services/X</c>.
/// </summary>
internal static class UpCommand
{
    public static Command Create()
    {
        var command = new Command("up",
            "Run every stage (Builder, Scanner, Publisher, Rollout, KpiGate, Ledger, Coordinator, Notifier, Console) in this process "
            + "against the configured RabbitMQ, PostgreSQL, registry and Prometheus, until Ctrl+C.");
        command.SetAction(async (result, cancel) =>
        {
            var builder = WebApplication.CreateBuilder();
            builder.Configuration.AddJsonFile(Path.Combine(Environment.CurrentDirectory, "appsettings.json"), optional: true).AddEnvironmentVariables();
            builder.Configuration.AddInMemoryCollection(EveryStageAsItsOwnUser(builder.Configuration));
            await using var app = PipelineHost.Build(builder);
            try
            {
                await app.StartAsync(cancel);
                await result.InvocationConfiguration.Output.WriteLineAsync($"bpdp up: every stage is running ({string.Join(", ", app.Urls)}); Ctrl+C stops them");
                var senders = app.Services.GetRequiredService<IOptions<SenderOptions>>().Value;
                await result.InvocationConfiguration.Output.WriteLineAsync(
                    $"bpdp up: approvals are accepted from broker user {Users(senders, BusIdentity.Approver)}, operator commands from {Users(senders, BusIdentity.Operator)} (Bus:Senders)");
                await result.InvocationConfiguration.Output.WriteLineAsync(app.Services.GetRequiredService<Bpdp.WebConsole.ConsoleSwitch>().Enabled
                    ? $"bpdp up: the console: {app.Urls.First()}/"
                    : "bpdp up: the console is off: no Console:Accounts and no Console:Oidc (docs/console.md)");
                var routes = app.Services.GetRequiredService<IOptions<Bpdp.Notifier.NotifierOptions>>().Value.Routes;
                await result.InvocationConfiguration.Output.WriteLineAsync(routes.Count == 0
                    ? "bpdp up: notifications are off: no Notifier:Routes (docs/notifications.md)"
                    : $"bpdp up: notifications: {routes.Count} route(s) ({string.Join(", ", routes.Select(r => r.Name))}); what was sent and what could not be: {app.Urls.First()}/v1/notifications");
                await app.WaitForShutdownAsync(cancel);
                return 0;
            }
            catch (Microsoft.Extensions.Options.OptionsValidationException error)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync($"bpdp up: {string.Join("; ", error.Failures)}");
                return 2;
            }
        });
        return command;
    }

    private static string Users(SenderOptions senders, BusIdentity identity) =>
        string.Join(" or ", senders.UsersOf(identity).Order(StringComparer.Ordinal).Select(user => $"'{user}'"));

    /// <summary>
    /// Every stage runs on this process's one connection, so each stage's messages come from its broker user:
    /// that user is each stage's sender unless <c>Bus:Senders:&lt;Stage&gt;</c> says otherwise. The approval system
    /// and the operators keep their own users.
    /// </summary>
    private static IEnumerable<KeyValuePair<string, string?>> EveryStageAsItsOwnUser(IConfiguration configuration) =>
        configuration[$"{RabbitMqOptions.Section}:Username"] is { Length: > 0 } user
            ? StageQueues.Stages.Where(stage => configuration[$"{SenderOptions.Section}:{stage}"] is null)
                .Select(stage => KeyValuePair.Create($"{SenderOptions.Section}:{stage}", (string?)user))
            : [];
}
