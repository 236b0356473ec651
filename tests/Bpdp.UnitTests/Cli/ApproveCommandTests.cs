using Bpdp.Cli;
using Bpdp.Testing;

namespace Bpdp.UnitTests.Cli;

/// <summary><c>bpdp approve</c> refuses a bad policy before anything is signed or sent.</summary>
public sealed class ApproveCommandTests
{
    [Fact]
    public async Task A_bad_policy_prints_every_validation_error_with_line_and_column_and_exits_1()
    {
        var invalid = Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "examples", "invalid"), "*.yaml").Order(StringComparer.Ordinal).First();
        var expected = File.ReadAllLines(Path.ChangeExtension(invalid, ".errors")).Where(l => l.Length > 0).ToList();
        using var output = new StringWriter();
        using var errors = new StringWriter();

        var exit = await BpdpCli.Run(["approve", invalid, "--env", "production", "--key", "/nonexistent/approvals.key.pem"], output, errors);

        Assert.Equal(1, exit);
        var printed = errors.ToString();
        Assert.Equal(expected.Count, printed.Split('\n').Count(l => l.StartsWith(Path.GetFileName(invalid) + ":", StringComparison.Ordinal)));
        Assert.Contains("is invalid: nothing approved", printed, StringComparison.Ordinal);
        Assert.Empty(output.ToString());
    }
}
