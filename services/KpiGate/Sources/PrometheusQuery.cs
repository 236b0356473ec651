using System.Globalization;
using System.Text.Json;
using Bpdp.Images.Registry;
using Bpdp.KpiGate.Analysis;

namespace Bpdp.KpiGate.Sources;

/// <summary>One instant query of the Prometheus HTTP API (<c>/api/v1/query</c>): the first series' value, nothing when the result is empty.</summary>
public static class PrometheusQuery
{
    private const int MaxAnswerBytes = 1024 * 1024;

    public static async Task<MetricReading> Instant(HttpClient http, Uri baseUrl, string promql, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(http);
        try
        {
            using var response = await http.GetAsync(new Uri(baseUrl, $"api/v1/query?query={Uri.EscapeDataString(promql)}"), HttpCompletionOption.ResponseHeadersRead, cancel);
            var body = System.Text.Encoding.UTF8.GetString(await BoundedBody.Read(response, MaxAnswerBytes, "Prometheus's answer", "", cancel));
            if (!response.IsSuccessStatusCode)
            {
                return MetricReading.Failed($"Prometheus answered {(int)response.StatusCode}: {body[..Math.Min(body.Length, 200)]}");
            }

            using var document = JsonDocument.Parse(body);
            var data = document.RootElement.GetProperty("data");
            var result = data.GetProperty("result");
            // A scalar (e.g. scalar(…) or a number) is [time, "value"]; a vector is a list of series, each with its value.
            var isScalar = data.TryGetProperty("resultType", out var type) && type.GetString() == "scalar";
            if (!isScalar && result.GetArrayLength() == 0)
            {
                return new MetricReading(null);
            }

            var text = isScalar ? result[1].GetString() : result[0].GetProperty("value")[1].GetString();
            return new MetricReading(double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : double.NaN);
        }
        catch (Exception error) when (error is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException or InvalidDataException
            || (error is TaskCanceledException && !cancel.IsCancellationRequested))
        {
            return MetricReading.Failed($"Prometheus at {baseUrl} could not be queried: {error.Message}");
        }
    }
}
