namespace Bpdp.Testing;

/// <summary>The Native AOT executor published by scripts/publish-executor.sh, named by <c>BPDP_EXECUTOR_BINARY</c>.</summary>
public static class PublishedExecutor
{
    /// <summary>Its path; a test that needs it fails, never skips, when it is not there.</summary>
    public static string Path =>
        Environment.GetEnvironmentVariable("BPDP_EXECUTOR_BINARY") is { Length: > 0 } path && File.Exists(path)
            ? path
            : throw new InvalidOperationException(
                "BPDP_EXECUTOR_BINARY does not name the published executor: run `export BPDP_EXECUTOR_BINARY=$(scripts/publish-executor.sh)` (scripts/test.sh does).");
}
