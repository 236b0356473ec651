using Bpdp.Testing;

namespace Bpdp.UnitTests.Contracts;

public sealed class ContractsReadmeTests
{
    [Fact]
    public void Readme_shows_the_example_approval_body_verbatim()
    {
        var folder = Path.Combine(RepositoryRoot.Path, "contracts");
        var readme = File.ReadAllText(Path.Combine(folder, "README.md"));
        var example = File.ReadAllText(Path.Combine(folder, "examples", "ArtifactApproved.json"));

        Assert.Contains("```json\n" + example + "```", readme, StringComparison.Ordinal);
    }
}
