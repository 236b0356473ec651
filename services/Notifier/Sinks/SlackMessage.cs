using System.Text;
using System.Text.Json.Nodes;
using Bpdp.Notifier.Triggers;

namespace Bpdp.Notifier.Sinks;

/// <summary>A Slack incoming webhook: a fallback <c>text</c> and one mrkdwn section with the reason, the evidence and the console link.</summary>
public static class SlackMessage
{
    // Slack refuses a section text longer than this.
    private const int SectionLimit = 3000;

    public static JsonObject Body(Notification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var text = new StringBuilder($"*{Escape(notification.Title)}*\n{Escape(notification.Summary)}");
        foreach (var line in notification.Details)
        {
            text.Append("\n• ").Append(Escape(line));
        }

        if (notification.Link is { } link)
        {
            text.Append($"\n<{link}|Open in the BPDP console>");
        }

        var section = text.Length > SectionLimit ? text.ToString(0, SectionLimit - 1) + "…" : text.ToString();
        return new JsonObject
        {
            ["text"] = notification.Title,
            ["blocks"] = new JsonArray(new JsonObject
            {
                ["type"] = "section",
                ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = section },
            }),
        };
    }

    // Slack's mrkdwn reads these three as markup.
    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
