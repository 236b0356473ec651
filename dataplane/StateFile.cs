using System.Text.Json;

namespace Bpdp.DataPlane;

/// <summary>The data plane's state as one JSON file, replaced whole (write, then rename) so a crash never leaves half of it.</summary>
public sealed class StateFile(string path)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string Path { get; } = path;

    public DataPlaneState Read()
    {
        if (!File.Exists(Path))
        {
            return DataPlaneState.Empty;
        }

        try
        {
            return JsonSerializer.Deserialize<DataPlaneState>(File.ReadAllText(Path), Json) ?? DataPlaneState.Empty;
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"{Path} is not a data plane state file ({error.Message}); move it away to start with nothing served.", error);
        }
    }

    public void Write(DataPlaneState state)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
        var partial = Path + ".partial";
        using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(file, state, Json);
            // On disk before it replaces the old state: a power loss leaves one or the other, never an empty file.
            file.Flush(flushToDisk: true);
        }

        File.Move(partial, Path, overwrite: true);
    }
}
