using System.Text;
using System.Text.Json.Nodes;
using Bpdp.Notifier.Triggers;

namespace Bpdp.Notifier.Sinks;

/// <summary>
/// A Microsoft Teams incoming webhook or Workflows trigger: a message with one Adaptive Card (title, reason, evidence
/// as facts, and a button to the console).
/// </summary>
public static class TeamsMessage
{
    public static JsonObject Body(Notification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var body = new JsonArray(
            new JsonObject { ["type"] = "TextBlock", ["text"] = notification.Title, ["weight"] = "Bolder", ["size"] = "Medium", ["wrap"] = true },
            new JsonObject { ["type"] = "TextBlock", ["text"] = notification.Summary, ["wrap"] = true });
        foreach (var line in notification.Details)
        {
            body.Add(new JsonObject { ["type"] = "TextBlock", ["text"] = "- " + line, ["wrap"] = true, ["spacing"] = "None" });
        }

        var card = new JsonObject
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = "1.4",
            ["body"] = body,
        };
        if (notification.Link is { } link)
        {
            card["actions"] = new JsonArray(new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = "Open in the BPDP console", ["url"] = link.ToString() });
        }

        return new JsonObject
        {
            ["type"] = "message",
            ["attachments"] = new JsonArray(new JsonObject { ["contentType"] = "application/vnd.microsoft.card.adaptive", ["content"] = card }),
        };
    }
}
