namespace Bpdp.Scanner.Sbom;

/// <summary>A NuGet package the image carries, as listed in a <c>.deps.json</c>.</summary>
public sealed record SbomComponent(string Name, string Version, string FoundIn)
{
    public string Purl => $"pkg:nuget/{Name}@{Version}";
}
