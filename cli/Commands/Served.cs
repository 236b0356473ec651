using System.Text.Json.Nodes;
using Bpdp.Contracts;

namespace Bpdp.Cli.Commands;

/// <summary>What the Rollout read on a deployment's target (null: none was asked), as <c>bpdp status</c> shows it.</summary>
public sealed record Served(ServingNow? Now)
{
    public string Describe(Guid deploymentId)
    {
        if (Now is null)
        {
            return "not known: the Rollout did not answer";
        }

        if (!Now.Reported)
        {
            return $"not known: {Now.Error}";
        }

        var colors = Now.Colors ?? [];
        if (colors.Count == 0)
        {
            return "nothing runs on the target";
        }

        var live = Now.Live is { } color ? $"live {Name(color)}" + (Now.LiveEndpoint is { } endpoint ? $" at {endpoint}" : "") : "nothing live";
        var preview = Now.Preview is { } shown ? $", preview {Name(shown)}" : "";
        return $"{live}{preview}; " + string.Join(", ", colors.Select(c => $"{Name(c.Color)} = {Whose(c, deploymentId)} ({Short(c.Image)})"));
    }

    public JsonObject? Json(Guid deploymentId) => Now is null
        ? new JsonObject { ["reported"] = false, ["error"] = "the Rollout did not answer" }
        : new JsonObject
        {
            ["reported"] = Now.Reported,
            ["error"] = Now.Error,
            ["live"] = Now.Live?.ToString(),
            ["preview"] = Now.Preview?.ToString(),
            ["liveEndpoint"] = Now.LiveEndpoint,
            ["colors"] = new JsonArray([.. (Now.Colors ?? []).Select(c => (JsonNode)new JsonObject
            {
                ["color"] = c.Color.ToString(),
                ["deploymentId"] = c.DeploymentId,
                ["image"] = c.Image,
                ["thisDeployment"] = c.DeploymentId == deploymentId.ToString(),
            })]),
        };

    private static string Name(Color color) => color.ToString().ToLowerInvariant();

    private static string Whose(ServingColor color, Guid deploymentId) =>
        color.DeploymentId == deploymentId.ToString() ? "this deployment" : $"deployment {color.DeploymentId ?? "unknown"}";

    private static string Short(string? image) => image is null ? "image unknown" : image.Length > 19 && image.Contains("sha256:", StringComparison.Ordinal)
        ? image[..(image.IndexOf("sha256:", StringComparison.Ordinal) + 19)] + "…"
        : image;
}
