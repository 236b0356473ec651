using System.CommandLine;
using Bpdp.Platform.Bus.Identity;

namespace Bpdp.Cli.Commands;

/// <summary>
/// <c>bpdp broker users</c>: one RabbitMQ user per identity (the approval system, the operators' tools and every
/// stage), each allowed only what it declares, publishes and consumes, with its password in a file of its own.
/// </summary>
internal static class BrokerCommand
{
    public static Command Create()
    {
        var management = new Option<string>("--management") { Description = "RabbitMQ's management API, e.g. http://127.0.0.1:15672/.", Required = true };
        var adminUser = new Option<string>("--admin-user") { Description = "A broker administrator, used only to create the users.", Required = true };
        var adminPassword = new Option<FileInfo>("--admin-password-file") { Description = "A file holding the administrator's password.", Required = true };
        var passwords = new Option<DirectoryInfo>("--passwords") { Description = "Where each user's password file <user>.password is kept (mode 600; kept when it exists).", Required = true };
        var virtualHost = new Option<string>("--vhost") { Description = "The virtual host.", DefaultValueFactory = _ => "/" };
        var prefix = new Option<string>("--prefix") { Description = "The users' name prefix: <prefix>builder, <prefix>kpi-gate, ….", DefaultValueFactory = _ => "bpdp-" };
        var queues = new Option<string[]>("--queue") { Description = "A stage's queue when it is not the default, as Stage=name (e.g. Builder=builder-blue); repeatable." };
        var allInOne = new Option<string?>("--all-in-one") { Description = "Also a user allowed every stage's permissions, for `bpdp up` (all stages in one process)." };
        var users = new Command("users", "Create or update one broker user per identity with the least permissions it needs, and print the settings that name them.")
        {
            management, adminUser, adminPassword, passwords, virtualHost, prefix, queues, allInOne,
        };
        users.SetAction(async (result, cancel) =>
        {
            var error = result.InvocationConfiguration.Error;
            if (ParseQueues(result.GetValue(queues) ?? []) is not { } queueOf)
            {
                await error.WriteLineAsync("bpdp broker users: --queue takes Stage=name, with Stage one of " + string.Join(", ", StageQueues.Stages) + ".");
                return 2;
            }

            if (!Uri.TryCreate(result.GetRequiredValue(management), UriKind.Absolute, out var managementUrl) || managementUrl.Scheme is not ("http" or "https"))
            {
                await error.WriteLineAsync($"bpdp broker users: --management takes the management API's URL, e.g. http://127.0.0.1:15672/, not '{result.GetRequiredValue(management)}'.");
                return 2;
            }

            var adminFile = result.GetRequiredValue(adminPassword);
            if (!adminFile.Exists)
            {
                await error.WriteLineAsync($"bpdp broker users: the administrator's password file {adminFile.FullName} does not exist.");
                return 2;
            }

            using var http = BrokerUsers.Client(managementUrl, result.GetRequiredValue(adminUser), (await File.ReadAllTextAsync(adminFile.FullName, cancel)).Trim());
            var broker = new BrokerUsers(http, result.GetRequiredValue(virtualHost));
            var folder = result.GetRequiredValue(passwords);
            var namePrefix = result.GetRequiredValue(prefix);
            var output = result.InvocationConfiguration.Output;
            try
            {
                var settings = new List<string>();
                foreach (var identity in Enum.GetValues<BusIdentity>())
                {
                    var user = SenderOptions.UserName(namePrefix, identity);
                    var file = await broker.Ensure(user, BrokerPermissions.For(identity, queueOf), folder, cancel);
                    await output.WriteLineAsync($"{user,-24} {identity,-12} password in {file}");
                    settings.Add($"Bus:Senders:{identity}={user}");
                }

                if (result.GetValue(allInOne) is { Length: > 0 } everything)
                {
                    var union = BrokerPermissions.Union(StageQueues.Stages.Select(stage => BrokerPermissions.For(stage, queueOf)));
                    var file = await broker.Ensure(everything, union, folder, cancel);
                    await output.WriteLineAsync($"{everything,-24} {"every stage",-12} password in {file}");
                    settings = [.. settings.Select(line => StageQueues.Stages.Any(stage => line.StartsWith($"Bus:Senders:{stage}=", StringComparison.Ordinal))
                        ? line + "," + everything : line)];
                }

                await output.WriteLineAsync();
                await output.WriteLineAsync("# every service, and every publisher, reads these; each connects with its own RabbitMq:Username and RabbitMq:PasswordFile");
                foreach (var line in settings)
                {
                    await output.WriteLineAsync(line);
                }

                return 0;
            }
            catch (HttpRequestException e)
            {
                await error.WriteLineAsync($"bpdp broker users: {e.Message}");
                return 1;
            }
        });
        return new Command("broker", "The message broker.") { users };
    }

    private static Func<BusIdentity, string>? ParseQueues(string[] entries)
    {
        var configured = new Dictionary<BusIdentity, string>();
        foreach (var entry in entries)
        {
            var parts = entry.Split('=', 2);
            if (parts.Length != 2 || parts[1].Length == 0 || !Enum.TryParse<BusIdentity>(parts[0], out var stage) || !StageQueues.Stages.Contains(stage))
            {
                return null;
            }

            configured[stage] = parts[1];
        }

        return stage => configured.TryGetValue(stage, out var queue) ? queue : StageQueues.DefaultQueue(stage);
    }
}
