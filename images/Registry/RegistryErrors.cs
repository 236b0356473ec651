using System.Text.Json;

namespace Bpdp.Images.Registry;

/// <summary>Turns a refusal into a <see cref="RegistryException"/> that says what was asked and what the registry answered.</summary>
internal static class RegistryErrors
{
    /// <summary>An error body is read only this far: enough for the registry's error codes, never a hostile registry's gigabytes.</summary>
    private const int MaxErrorBytes = 64 * 1024;

    public static async Task<RegistryException> From(HttpResponseMessage response, string operation, CancellationToken cancel)
    {
        var body = await BoundedBody.Start(response, MaxErrorBytes, cancel);
        var codes = new List<string>();
        var messages = new List<string>();
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
            {
                foreach (var error in errors.EnumerateArray())
                {
                    var code = error.TryGetProperty("code", out var c) ? c.GetString() ?? "" : "";
                    var message = error.TryGetProperty("message", out var m) ? m.GetString() ?? "" : "";
                    var detail = error.TryGetProperty("detail", out var d) && d.ValueKind != JsonValueKind.Null ? $" ({d})" : "";
                    codes.Add(code);
                    messages.Add($"{code}: {message}{detail}");
                }
            }
        }
        catch (JsonException)
        {
        }

        var said = messages.Count > 0 ? string.Join("; ", messages) : Shorten(body);
        var status = (int)response.StatusCode;
        return new RegistryException(response.StatusCode, codes, $"{operation}: the registry answered {status} {response.ReasonPhrase}{(said.Length > 0 ? $": {said}" : "")}");
    }

    private static string Shorten(string body)
    {
        var line = body.ReplaceLineEndings(" ").Trim();
        return line.Length <= 200 ? line : line[..200] + "…";
    }
}
