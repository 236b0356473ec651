using System.CommandLine;
using Bpdp.Cli.Bus;
using MassTransit;

namespace Bpdp.Cli.Commands;

/// <summary><c>bpdp status</c>: ask the Coordinator about a deployment.</summary>
internal static class StatusCommand
{
    public static Command Create()
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

        return status;
    }
}
