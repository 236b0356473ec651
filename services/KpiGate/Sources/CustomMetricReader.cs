using System.Globalization;
using Bpdp.Images.Registry;
using Bpdp.KpiGate.Analysis;
using Bpdp.Policy.Model;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Bpdp.KpiGate.Sources;

/// <summary>
/// Reads an agency-defined metric once: a <c>prometheus</c> metric as an instant query of <c>KpiGate:PrometheusUrl</c>, a
/// <c>web</c> metric as a GET of its URL — only on a host (any port) or <c>host:port</c> of <c>KpiGate:WebMetricHosts</c>, no
/// redirects, an answer of at most 64 KiB within 10 s — and the number its JSONPath selects. Every failure is a reading with an error, judged by the analysis.
/// </summary>
public sealed class CustomMetricReader(HttpClient http, Uri? prometheus, IReadOnlyCollection<string> webHosts)
{
    private const int MaxWebAnswerBytes = 64 * 1024;
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(10);

    public Task<MetricReading> Read(MetricDefinition metric, MetricPlaceholders values, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentNullException.ThrowIfNull(values);
        return metric.Provider == MetricProvider.Prometheus ? Prometheus(metric, values, cancel) : Web(metric, values, cancel);
    }

    private Task<MetricReading> Prometheus(MetricDefinition metric, MetricPlaceholders values, CancellationToken cancel) =>
        prometheus is null
            ? Task.FromResult(MetricReading.Failed($"metric {metric.Name} reads Prometheus, but KpiGate:PrometheusUrl is not set"))
            : PrometheusQuery.Instant(http, prometheus, values.InPromQl(metric.Query!), cancel);

    private async Task<MetricReading> Web(MetricDefinition metric, MetricPlaceholders values, CancellationToken cancel)
    {
        if (!Uri.TryCreate(values.InUrl(metric.Url!), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            return MetricReading.Failed($"metric {metric.Name}: {metric.Url} is not an http(s) URL");
        }

        if (!webHosts.Contains(url.Host, StringComparer.OrdinalIgnoreCase) && !webHosts.Contains(url.Authority, StringComparer.OrdinalIgnoreCase))
        {
            return MetricReading.Failed($"metric {metric.Name}: {url.Host} is not an allowed metric host (KpiGate:WebMetricHosts)");
        }

        // The client's timeout ends at the headers: a host that sends its answer slowly is cut off here too.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(AnswerTimeout);
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var body = System.Text.Encoding.UTF8.GetString(await BoundedBody.Read(response, MaxWebAnswerBytes, $"the answer of {url.Host}", "", deadline.Token));
            if (!response.IsSuccessStatusCode)
            {
                return MetricReading.Failed($"metric {metric.Name}: {url.Host} answered {(int)response.StatusCode}");
            }

            var token = JToken.Parse(body).SelectToken(metric.JsonPath!);
            return token?.Type switch
            {
                null or JTokenType.Null => new MetricReading(null),
                JTokenType.Integer or JTokenType.Float => new MetricReading(token.Value<double>()),
                JTokenType.String when double.TryParse(token.Value<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => new MetricReading(parsed),
                _ => MetricReading.Failed($"metric {metric.Name}: {metric.JsonPath} selects {token.Type}, not a number"),
            };
        }
        catch (Exception error) when (error is HttpRequestException or JsonException or InvalidDataException or ArgumentException
            || (error is TaskCanceledException && !cancel.IsCancellationRequested))
        {
            return MetricReading.Failed($"metric {metric.Name}: {url.Host} could not be read: {error.Message}");
        }
    }
}
