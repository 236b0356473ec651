using System.CommandLine;
using Bpdp.Cli.Bus;
using Bpdp.Contracts;
using MassTransit;

namespace Bpdp.Cli.Commands;

/// <summary><c>bpdp status</c>, <c>bpdp abort</c> and <c>bpdp promote</c>: ask the Coordinator about a deployment, or tell it to stop or to skip the rest of the soak.</summary>
internal static class StatusCommand
{
    public static IEnumerable<Command> Create()
    {
        var coordinator = new Option<string>("--coordinator-queue") { Description = "The Coordinator's queue.", DefaultValueFactory = _ => "coordinator" };
        var output = new Option<string>("--output", "-o") { Description = "text or json.", DefaultValueFactory = _ => "text" };
        output.AcceptOnlyFromAmong("text", "json");

        var id = new Argument<Guid>("deployment-id") { Description = "The deployment, as `bpdp approve` printed it." };
        var watch = new Option<bool>("--watch") { Description = "Follow it until it ends." };
        var status = new Command("status", "Show a deployment's state and stage timings, as the Coordinator knows them.") { id, watch, coordinator, output };
        status.SetAction(async (result, cancel) =>
        {
            try
            {
                await using var client = await PipelineClient.Connect(result.GetRequiredValue(coordinator), cancel);
                var json = result.GetValue(output) == "json";
                var current = result.GetValue(watch)
                    ? await ApproveCommand.Follow(client, result.GetRequiredValue(id), TimeSpan.FromHours(1),
                        json ? result.InvocationConfiguration.Error : result.InvocationConfiguration.Output, cancel)
                    : await client.Status(result.GetRequiredValue(id), cancel);
                await result.InvocationConfiguration.Output.WriteLineAsync(json ? StatusView.Json(current) : StatusView.Line(current));
                return current.Found ? 0 : 1;
            }
            catch (RequestTimeoutException)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync("bpdp status: the Coordinator did not answer: is it running, on the configured RabbitMQ?");
                return 2;
            }
        });

        var abortId = new Argument<Guid>("deployment-id") { Description = "The deployment to stop." };
        var reason = new Option<string>("--reason") { Description = "Why, for the ledger.", DefaultValueFactory = _ => "aborted from the command line" };
        var abort = new Command("abort", "Stop a deployment: before production it ends; once green exists, traffic goes back to blue.") { abortId, reason, coordinator };
        abort.SetAction(async (result, cancel) =>
        {
            await using var client = await PipelineClient.Connect(result.GetRequiredValue(coordinator), cancel);
            await client.Publish(new AbortDeployment(result.GetRequiredValue(abortId), DateTimeOffset.UtcNow, Environment.UserName, result.GetRequiredValue(reason)), cancel);
            await result.InvocationConfiguration.Output.WriteLineAsync($"abort of {result.GetRequiredValue(abortId)} requested");
            return 0;
        });

        var promoteId = new Argument<Guid>("deployment-id") { Description = "The deployment in its soak." };
        var promote = new Command("promote", "End a deployment's soak now and make it live.") { promoteId, coordinator };
        promote.SetAction(async (result, cancel) =>
        {
            await using var client = await PipelineClient.Connect(result.GetRequiredValue(coordinator), cancel);
            await client.Publish(new PromoteDeployment(result.GetRequiredValue(promoteId), DateTimeOffset.UtcNow, Environment.UserName), cancel);
            await result.InvocationConfiguration.Output.WriteLineAsync($"promotion of {result.GetRequiredValue(promoteId)} requested");
            return 0;
        });

        return [status, abort, promote];
    }
}
