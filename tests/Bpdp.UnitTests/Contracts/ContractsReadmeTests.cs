using Bpdp.Testing;

namespace Bpdp.UnitTests.Contracts;

public sealed class ContractsReadmeTests
{
    [Fact]
    public void Readme_shows_the_example_approval_body_verbatim()
    {
        var folder = Path.Combine(RepositoryRoot.Path, "contracts");
        var readme = File.ReadAllText(Path.Combine(folder, "README.md"));

        Assert.Contains("```json\n" + Samples.ExampleApprovalJson + "```", readme, StringComparison.Ordinal);
    }

    [Fact]
    public void Readme_shows_the_example_abort_body_verbatim()
    {
        var folder = Path.Combine(RepositoryRoot.Path, "contracts");
        var readme = File.ReadAllText(Path.Combine(folder, "README.md"));

        Assert.Contains("```json\n" + File.ReadAllText(Path.Combine(folder, "examples", "AbortDeployment.json")) + "```", readme, StringComparison.Ordinal);
    }
}
