using Bpdp.Executor;

ExecutorApp.Build(args).Run();
