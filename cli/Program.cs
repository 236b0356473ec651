using Bpdp.Cli;

return await BpdpCli.Run(args, Console.Out, Console.Error);
