using System.Net.Http.Headers;

namespace Bpdp.Notifier.Sinks;

/// <summary>
/// POSTs a JSON body and judges the answer: 2xx is delivered; anything else, a redirect included (none is followed), is a
/// failed attempt named by its status. The address is never in the failure: a chat webhook's address is its credential.
/// </summary>
internal static class HttpPost
{
    public const string ClientName = "notifier";

    public static async Task Send(HttpClient http, string sink, Uri address, byte[] body, Action<HttpRequestHeaders>? headers, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, address) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.UserAgent.ParseAdd("bpdp-notifier");
        headers?.Invoke(request.Headers);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel);
        }
        catch (HttpRequestException error)
        {
            throw new SinkFailure($"sink '{sink}': {address.Host}:{address.Port} could not be reached ({error.HttpRequestError})");
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new SinkFailure($"sink '{sink}': {address.Host}:{address.Port} answered {(int)response.StatusCode} {response.ReasonPhrase}");
            }
        }
    }
}
