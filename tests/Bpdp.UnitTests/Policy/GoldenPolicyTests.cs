using Bpdp.Cli;
using Bpdp.Policy;
using Bpdp.Testing;

namespace Bpdp.UnitTests.Policy;

/// <summary>Each invalid example yields exactly the errors in its .errors file, from the library and from `bpdp policy validate`.</summary>
public sealed class GoldenPolicyTests
{
    public static TheoryData<string> InvalidExamples() => [.. PolicyExamples.InvalidNames()];

    [Theory]
    [MemberData(nameof(InvalidExamples))]
    public void Library_reports_exactly_the_expected_errors(string name)
    {
        var yaml = File.ReadAllText(Path.Combine(PolicyExamples.Folder, "invalid", $"{name}.yaml"));

        var result = PolicyValidator.Validate(yaml);

        Assert.False(result.IsValid);
        Assert.Equal(ExpectedErrors(name), result.Errors.Select(e => $"{e.Line}:{e.Column}: {e.Message}"));
    }

    [Theory]
    [MemberData(nameof(InvalidExamples))]
    public async Task Cli_prints_each_error_as_file_line_column_and_exits_1(string name)
    {
        var file = Path.Combine("examples", "invalid", $"{name}.yaml");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await InRepositoryRoot(() => BpdpCli.Run(["policy", "validate", file], output, error));

        Assert.Equal(1, exit);
        Assert.Equal(ExpectedErrors(name).Select(line => $"{file}:{line}"), Lines(output));
        Assert.Contains("invalid", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.0.0")]
    [InlineData("1.1.0")]
    [InlineData("1.0.1")]
    public async Task Cli_accepts_a_valid_policy_with_a_one_line_summary_and_exit_0(string version)
    {
        var file = Path.Combine("examples", "haz-fast", $"v{version}.yaml");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await InRepositoryRoot(() => BpdpCli.Run(["policy", "validate", file], output, error));

        Assert.Equal(0, exit);
        var line = Assert.Single(Lines(output));
        Assert.StartsWith($"{file}: valid: haz-fast {version} (osha)", line, StringComparison.Ordinal);
        Assert.Empty(error.ToString());
    }

    [Fact]
    public async Task Cli_names_a_missing_file_in_one_line()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await BpdpCli.Run(["policy", "validate", "no-such-policy.yaml"], output, error);

        Assert.Equal(2, exit);
        Assert.Contains("no-such-policy.yaml: no such file", Assert.Single(Lines(error)), StringComparison.Ordinal);
    }

    private static IEnumerable<string> ExpectedErrors(string name) =>
        File.ReadAllLines(Path.Combine(PolicyExamples.Folder, "invalid", $"{name}.errors")).Where(l => l.Length > 0);

    private static string[] Lines(StringWriter writer) =>
        writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static readonly SemaphoreSlim DirectoryLock = new(1, 1);

    // The CLI prints paths relative to the working directory, as a user running it from the repository sees them.
    private static async Task<int> InRepositoryRoot(Func<Task<int>> run)
    {
        await DirectoryLock.WaitAsync();
        var previous = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = RepositoryRoot.Path;
            return await run();
        }
        finally
        {
            Environment.CurrentDirectory = previous;
            DirectoryLock.Release();
        }
    }
}
