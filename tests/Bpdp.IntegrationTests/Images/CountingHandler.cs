using System.Collections.Concurrent;

namespace Bpdp.IntegrationTests.Images;

/// <summary>Counts the requests a client sends, by method, so a test can tell which calls a push made.</summary>
public sealed class CountingHandler : DelegatingHandler
{
    public ConcurrentQueue<string> Requests { get; } = new();

    public int Count(string method) => Requests.Count(r => r.StartsWith(method + " ", StringComparison.Ordinal));

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Requests.Enqueue($"{request.Method} {request.RequestUri!.AbsolutePath}");
        return base.SendAsync(request, cancellationToken);
    }
}
