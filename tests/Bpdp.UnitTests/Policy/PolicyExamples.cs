using Bpdp.Testing;

namespace Bpdp.UnitTests.Policy;

internal static class PolicyExamples
{
    public static string Folder { get; } = Path.Combine(RepositoryRoot.Path, "examples");

    public static string HazFast(string version) => File.ReadAllText(Path.Combine(Folder, "haz-fast", $"v{version}.yaml"));

    public static IEnumerable<string> InvalidNames() =>
        Directory.GetFiles(Path.Combine(Folder, "invalid"), "*.yaml").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!;
}
