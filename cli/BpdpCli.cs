using System.CommandLine;
using Bpdp.Cli.Commands;

namespace Bpdp.Cli;

/// <summary>The <c>bpdp</c> command line, runnable in process (tests) as well as from <c>Program</c>.</summary>
public static class BpdpCli
{
    public static RootCommand Create()
    {
        var root = new RootCommand("bpdp — the Backend Policy Deployment Pipeline")
        {
            Demo.DemoCommand.Create(),
            ApproveCommand.Create(),
            UpCommand.Create(),
            PolicyCommand.Create(),
            BuildCommand.Create(),
            BaseCommand.Create(),
            ScanCommand.Create(),
            LedgerCommand.Create(),
            KeysCommand.Create(),
            BrokerCommand.Create(),
            StatusCommand.Create(),
            VerifyCommand.Create(),
            ConsoleCommand.Create(),
        };
        foreach (var command in OperatorCommands.Create())
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    /// <summary>Runs one command line, writing to the given streams; returns the exit code.</summary>
    public static Task<int> Run(string[] args, TextWriter output, TextWriter error) =>
        Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
}
