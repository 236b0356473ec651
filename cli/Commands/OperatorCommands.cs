using System.CommandLine;
using Bpdp.Cli.Bus;
using Bpdp.Cli.Signing;

namespace Bpdp.Cli.Commands;

/// <summary>
/// <c>bpdp abort</c> and <c>bpdp promote</c>: tell the Coordinator to stop a deployment or to skip the rest of its soak,
/// signed with the operator's key so that the Coordinator can tell the operator's command from a forged one.
/// </summary>
internal static class OperatorCommands
{
    public static IEnumerable<Command> Create()
    {
        var coordinator = new Option<string>("--coordinator-queue") { Description = "The Coordinator's queue.", DefaultValueFactory = _ => "coordinator" };
        var key = new Option<FileInfo?>("--key") { Description = "The operator's ECDSA P-256 private key (PEM), e.g. from `bpdp keys operator`." };
        var keyId = new Option<string?>("--key-id") { Description = "The key id the Coordinator trusts it under (default: the key file's name without .key.pem or .pem)." };
        var requestedBy = new Option<string>("--as") { Description = "Who asks, for the ledger.", DefaultValueFactory = _ => Environment.UserName };

        var abortId = new Argument<Guid>("deployment-id") { Description = "The deployment to stop." };
        var reason = new Option<string>("--reason") { Description = "Why, for the ledger.", DefaultValueFactory = _ => "aborted from the command line" };
        var abort = new Command("abort", "Stop a deployment: before production it ends; once green exists, traffic goes back to blue.")
        {
            abortId, reason, key, keyId, requestedBy, coordinator,
        };
        abort.SetAction((result, cancel) => Send(result, "abort", key, keyId, coordinator, cancel,
            (signer, at) => signer.Abort(result.GetRequiredValue(abortId), result.GetRequiredValue(requestedBy), result.GetRequiredValue(reason), at),
            sent => $"abort of {sent.DeploymentId} requested, signed with key {sent.OperatorKeyId}"));

        var promoteId = new Argument<Guid>("deployment-id") { Description = "The deployment in its soak." };
        var promote = new Command("promote", "End a deployment's soak now and make it live.") { promoteId, key, keyId, requestedBy, coordinator };
        promote.SetAction((result, cancel) => Send(result, "promote", key, keyId, coordinator, cancel,
            (signer, at) => signer.Promote(result.GetRequiredValue(promoteId), result.GetRequiredValue(requestedBy), at),
            sent => $"promotion of {sent.DeploymentId} requested, signed with key {sent.OperatorKeyId}"));

        return [abort, promote];
    }

    /// <summary>Loads the key and signs the command, then publishes it: a mistake in the key or a field is a usage error, found before connecting.</summary>
    private static async Task<int> Send<T>(ParseResult result, string verb, Option<FileInfo?> key, Option<string?> keyId, Option<string> coordinator, CancellationToken cancel,
        Func<OperatorSigner, DateTimeOffset, T> sign, Func<T, string> requested)
        where T : class
    {
        var stderr = result.InvocationConfiguration.Error;
        if (result.GetValue(key) is not { } keyFile)
        {
            await stderr.WriteLineAsync($"bpdp {verb}: --key is required: the Coordinator refuses unsigned operator commands. " +
                "Make a key with `bpdp keys operator NAME --agency AGENCY --output DIR`, have the Coordinator trust DIR/NAME.pub.pem with the lines it prints, " +
                $"then run `bpdp {verb} … --key DIR/NAME.key.pem`.");
            return 2;
        }

        T command;
        try
        {
            using var signer = OperatorSigner.Load(keyFile.FullName, result.GetValue(keyId));
            command = sign(signer, DateTimeOffset.UtcNow);
        }
        catch (OperatorKeyException error)
        {
            await stderr.WriteLineAsync($"bpdp {verb}: {error.Message}");
            return 2;
        }
        catch (ArgumentException error)
        {
            await stderr.WriteLineAsync($"bpdp {verb}: nothing sent: {error.Message}");
            return 2;
        }

        await using var client = await PipelineClient.Connect(result.GetRequiredValue(coordinator), cancel);
        await client.Publish(command, cancel);
        await result.InvocationConfiguration.Output.WriteLineAsync(requested(command));
        return 0;
    }
}
