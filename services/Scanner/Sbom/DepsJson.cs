using System.Text.Json;

namespace Bpdp.Scanner.Sbom;

/// <summary>Reads the NuGet packages (and runtime packs) a .NET application was built from out of its <c>.deps.json</c>.</summary>
public static class DepsJson
{
    private const string RuntimePackPrefix = "runtimepack.";

    public static IReadOnlyList<SbomComponent> Packages(byte[] content, string path)
    {
        try
        {
            using var document = JsonDocument.Parse(content);
            if (!document.RootElement.TryGetProperty("libraries", out var libraries))
            {
                return [];
            }

            var packages = new List<SbomComponent>();
            foreach (var library in libraries.EnumerateObject())
            {
                var type = library.Value.TryGetProperty("type", out var t) ? t.GetString() : null;
                var slash = library.Name.LastIndexOf('/');
                if (type is not ("package" or "runtimepack") || slash <= 0)
                {
                    continue;
                }

                var name = library.Name[..slash];
                packages.Add(new SbomComponent(name.StartsWith(RuntimePackPrefix, StringComparison.Ordinal) ? name[RuntimePackPrefix.Length..] : name, library.Name[(slash + 1)..], path));
            }

            return packages;
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
