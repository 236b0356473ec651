using System.Text.Json;
using System.Text.Json.Nodes;
using Bpdp.Contracts;

namespace Bpdp.Rollout.Local;

/// <summary>
/// Prometheus file-based discovery of the local executors: one <c>file_sd</c> file per policy in
/// <c>Rollout:ScrapeTargetsDirectory</c>, listing the address of every running color, rewritten whole
/// (write, then rename) whenever an executor starts or stops, so Prometheus never reads half a file.
/// </summary>
public sealed class ScrapeTargets(string? directory)
{
    public void Write(DeploymentTarget target, IEnumerable<Uri> executors)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (directory is null)
        {
            return;
        }

        Directory.CreateDirectory(directory);
        var group = new JsonObject
        {
            ["targets"] = new JsonArray([.. executors.Select(e => (JsonNode)e.Authority)]),
            ["labels"] = new JsonObject { ["agency"] = target.Agency, ["environment"] = target.Environment },
        };
        var path = Path.Combine(directory, $"bpdp-{target.Agency}-{target.Environment}-{target.PolicyName}.json");
        var partial = path + ".partial";
        File.WriteAllText(partial, new JsonArray(group).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(partial, path, overwrite: true);
    }
}
