using System.Net;

namespace Bpdp.Images.Registry;

/// <summary>The registry refused a request; carries its HTTP status and the distribution error codes it named.</summary>
public sealed class RegistryException(HttpStatusCode status, IReadOnlyList<string> codes, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;

    /// <summary>The distribution spec's error codes, e.g. <c>BLOB_UNKNOWN</c>, <c>DENIED</c>, <c>UNAUTHORIZED</c>.</summary>
    public IReadOnlyList<string> Codes { get; } = codes;

    /// <summary>Worth retrying: the registry is overloaded or failing, not refusing what was sent.</summary>
    public bool Transient => (int)Status >= 500 || Status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout;
}
