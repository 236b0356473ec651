using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using Bpdp.Cli.Bus;
using Bpdp.Contracts;
using Bpdp.Policy;
using MassTransit;

namespace Bpdp.Cli.Commands;

/// <summary>
/// <c>bpdp approve</c>: what an approval system does — validate the policy, sign the approval with the approver's
/// key, publish <c>ArtifactApproved</c> — then follow the deployment to its end (unless <c>--no-wait</c>).
/// </summary>
internal static class ApproveCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("policy") { Description = "The policy module's YAML file." };
        var agency = new Option<string?>("--agency") { Description = "The agency (default: the policy's metadata.agency)." };
        var environment = new Option<string>("--env") { Description = "The target environment, e.g. production.", Required = true };
        var key = new Option<FileInfo>("--key") { Description = "The approver's ECDSA P-256 private key (PEM), e.g. from `bpdp keys generate`.", Required = true };
        var keyId = new Option<string?>("--key-id") { Description = "The key id the Builder trusts it under (default: the key file's name without .key.pem)." };
        var approver = new Option<string>("--approver") { Description = "Who approves.", DefaultValueFactory = _ => Environment.UserName };
        var reference = new Option<string?>("--reference") { Description = "The approval's reference, e.g. a change ticket." };
        var noWait = new Option<bool>("--no-wait") { Description = "Print the deployment id and return once the approval is published." };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to follow the deployment before giving up.", DefaultValueFactory = _ => 900 };
        var coordinator = new Option<string>("--coordinator-queue") { Description = "The Coordinator's queue.", DefaultValueFactory = _ => "coordinator" };
        var output = new Option<string>("--output", "-o") { Description = "text or json.", DefaultValueFactory = _ => "text" };
        output.AcceptOnlyFromAmong("text", "json");
        var command = new Command("approve", "Validate, sign and publish an approval of a policy, then follow its deployment to the end (exit 0 only when it went live).")
        {
            file, agency, environment, key, keyId, approver, reference, noWait, timeout, coordinator, output,
        };
        command.SetAction(async (result, cancel) =>
        {
            var stdout = result.InvocationConfiguration.Output;
            var stderr = result.InvocationConfiguration.Error;
            var policyFile = result.GetRequiredValue(file);
            if (!policyFile.Exists)
            {
                await stderr.WriteLineAsync($"bpdp approve: {policyFile.FullName}: no such file.");
                return 2;
            }

            var yaml = await File.ReadAllTextAsync(policyFile.FullName, cancel);
            var validation = PolicyValidator.Validate(yaml);
            if (validation.Policy is not { } policy)
            {
                foreach (var problem in validation.Errors)
                {
                    await stderr.WriteLineAsync($"{policyFile.Name}:{problem.Line}:{problem.Column}: {problem.Message}");
                }

                await stderr.WriteLineAsync($"bpdp approve: {policyFile.Name} is invalid: nothing approved.");
                return 1;
            }

            var keyFile = result.GetRequiredValue(key);
            using var signer = ECDsa.Create();
            try
            {
                signer.ImportFromPem(await File.ReadAllTextAsync(keyFile.FullName, cancel));
                signer.ExportParameters(includePrivateParameters: true);
            }
            catch (Exception error) when (error is IOException or ArgumentException or CryptographicException)
            {
                await stderr.WriteLineAsync($"bpdp approve: --key {keyFile.FullName} is not a PEM EC private key: {error.Message}");
                return 2;
            }

            var metadata = policy.Module.Metadata;
            var id = NewId.NextGuid();
            var now = DateTimeOffset.UtcNow;
            var unsigned = new ArtifactApproved(id, now, metadata.Name, metadata.Version, result.GetValue(agency) ?? metadata.Agency, result.GetRequiredValue(environment), yaml,
                Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(yaml))), result.GetRequiredValue(approver),
                result.GetValue(keyId) ?? keyFile.Name.Replace(".key.pem", "", StringComparison.Ordinal), result.GetValue(reference) ?? $"cli-{id:N}"[..16], now, Signature: "");
            var approval = ApprovalCanonicalForm.Sign(unsigned, signer);

            await using var client = await PipelineClient.Connect(result.GetRequiredValue(coordinator), cancel);
            await client.Publish(approval, cancel);
            var json = result.GetValue(output) == "json";
            await (json ? stderr : stdout).WriteLineAsync($"approved {metadata.Name} {metadata.Version} for {approval.Agency}/{approval.Environment}: deployment {id}");
            if (result.GetValue(noWait))
            {
                await stdout.WriteLineAsync(json ? $$"""{"deploymentId":"{{id}}"}""" : id.ToString());
                return 0;
            }

            var final = await Follow(client, id, TimeSpan.FromSeconds(result.GetValue(timeout)), json ? stderr : stdout, cancel);
            if (json)
            {
                await stdout.WriteLineAsync(StatusView.Json(final));
            }

            return final.State == "Live" ? 0 : 1;
        });
        return command;
    }

    /// <summary>Asks the Coordinator every second and prints each change, until the deployment ends or the time is up.</summary>
    public static async Task<DeploymentStatus> Follow(PipelineClient client, Guid id, TimeSpan timeout, TextWriter progress, CancellationToken cancel)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(timeout);
        var last = new DeploymentStatus(id, false);
        string? shown = null;
        try
        {
            while (true)
            {
                last = await client.Status(id, deadline.Token);
                var line = StatusView.Line(last with { Stages = null });
                if (line != shown)
                {
                    await progress.WriteLineAsync($"{DateTimeOffset.UtcNow:HH:mm:ss} {line}");
                    shown = line;
                }

                if (PipelineClient.IsFinal(last.State))
                {
                    await progress.WriteLineAsync(StatusView.Line(last));
                    return last;
                }

                await Task.Delay(TimeSpan.FromSeconds(1), deadline.Token);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancel.IsCancellationRequested)
        {
            await progress.WriteLineAsync(
                $"bpdp: deployment {id} had not ended after {timeout.TotalSeconds:F0} s; last state {last.State ?? "unknown"}. `bpdp status {id} --watch` follows it further.");
            return last;
        }
        catch (RequestTimeoutException)
        {
            await progress.WriteLineAsync($"bpdp: the Coordinator did not answer about {id}: is it running, on the configured RabbitMQ?");
            return last;
        }
    }
}
