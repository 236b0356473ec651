using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Bpdp.Bench.Scale;

/// <summary>The broker's own counts, from the RabbitMQ management API: messages published and delivered since it started.</summary>
internal static class BrokerStatistics
{
    public static HttpClient Client(Uri management, Uri amqp)
    {
        var http = new HttpClient { BaseAddress = management };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(amqp.UserInfo))));
        return http;
    }

    /// <summary>Messages published to the broker and delivered to consumers so far; null without a management address.</summary>
    public static async Task<(long Published, long Delivered)?> Totals()
    {
        if (Environment.GetEnvironmentVariable("BPDP_TEST_RABBITMQ_MANAGEMENT") is not { Length: > 0 } management
            || Environment.GetEnvironmentVariable("BPDP_TEST_RABBITMQ") is not { Length: > 0 } amqp)
        {
            return null;
        }

        using var http = Client(new Uri(management), new Uri(amqp));
        var overview = JsonNode.Parse(await http.GetStringAsync(new Uri("api/overview", UriKind.Relative)));
        var stats = overview?["message_stats"];
        return (stats?["publish"]?.GetValue<long>() ?? 0, stats?["deliver_get"]?.GetValue<long>() ?? 0);
    }
}
