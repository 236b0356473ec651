namespace Bpdp.Bench;

/// <summary>Command-line options shared by the benchmarks.</summary>
internal static class BenchArgs
{
    public static string? Option(string[] args, string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();

    /// <summary>The published executor: <c>--executor</c>, else <c>$BPDP_EXECUTOR_BINARY</c>, else artifacts/executor/bpdp-executor.</summary>
    public static string ExecutorPath(string[] args) =>
        Option(args, "--executor") ?? Environment.GetEnvironmentVariable("BPDP_EXECUTOR_BINARY") ?? Path.Combine("artifacts", "executor", "bpdp-executor");
}
