namespace Bpdp.Testing.Kubernetes;

/// <summary>
/// An answer the fake API server gives once, to the next request that matches, instead of serving it: an error
/// status (a 409 Conflict, a 500) or, for a watch, a stream closed before any event or an expired resourceVersion.
/// </summary>
public sealed record ApiFault(Func<RecordedRequest, bool> Matches, int StatusCode)
{
    /// <summary>The status code that means "close the watch at once".</summary>
    public const int CloseWatch = 0;

    /// <summary>The status code that means "answer the watch with one ERROR event, 410 Gone, then close it".</summary>
    public const int ExpireWatch = 410_000;
}
