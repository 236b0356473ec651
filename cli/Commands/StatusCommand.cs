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
        var rollout = new Option<string>("--rollout-queue") { Description = "The Rollout's queue, asked what serves the deployment's target.", DefaultValueFactory = _ => "rollout" };
        var output = new Option<string>("--output", "-o") { Description = "text or json.", DefaultValueFactory = _ => "text" };
        output.AcceptOnlyFromAmong("text", "json");

        var id = new Argument<Guid>("deployment-id") { Description = "The deployment, as `bpdp approve` printed it." };
        var watch = new Option<bool>("--watch") { Description = "Follow it until it ends." };
        var status = new Command("status", "Show a deployment's state and stage timings, as the Coordinator knows them, and what serves its target, as the Rollout reads it.")
        {
            id, watch, coordinator, rollout, output,
        };
        status.SetAction(async (result, cancel) =>
        {
            try
            {
                await using var client = await PipelineClient.Connect(result.GetRequiredValue(coordinator), cancel, result.GetRequiredValue(rollout));
                var json = result.GetValue(output) == "json";
                var current = result.GetValue(watch)
                    ? await ApproveCommand.Follow(client, result.GetRequiredValue(id), TimeSpan.FromHours(1),
                        json ? result.InvocationConfiguration.Error : result.InvocationConfiguration.Output, cancel)
                    : await client.Status(result.GetRequiredValue(id), cancel);
                var serving = current is { Found: true, Target: { } target } ? new Served(await client.Serving(current.DeploymentId, target, TimeSpan.FromSeconds(10), cancel)) : null;
                await result.InvocationConfiguration.Output.WriteLineAsync(json ? StatusView.Json(current, serving) : StatusView.Line(current, serving));
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
