using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Bpdp.Images.Registry;

/// <summary>
/// Answers the registry's challenges the way Docker clients do: anonymous first; on 401, basic
/// credentials for a <c>Basic</c> challenge, or a token from the realm of a <c>Bearer</c> challenge
/// (with the basic credentials, when configured, for the token service). The answer is kept per
/// repository and sent up front afterwards, so large uploads are not sent twice.
/// </summary>
/// <param name="username">User for basic auth or the token service; none for anonymous access.</param>
/// <param name="password">Its password.</param>
/// <param name="registryAuthority">The configured registry's host:port: challenges from any other host (an upload location elsewhere) are not answered.</param>
public sealed class RegistryAuthHandler(string? username, string? password, string? registryAuthority = null) : DelegatingHandler
{
    private const int MaxTokenResponseBytes = 1024 * 1024;

    private readonly ConcurrentDictionary<string, AuthenticationHeaderValue> answers = new(StringComparer.Ordinal);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Answers are kept per registry host and repository: credentials never travel to another host.
        var repository = $"{request.RequestUri!.Authority}/{RepositoryOf(request.RequestUri!)}";
        if (answers.TryGetValue(repository, out var known))
        {
            request.Headers.Authorization = known;
        }

        var response = await base.SendAsync(request, cancellationToken);
        var ours = registryAuthority is null || string.Equals(request.RequestUri!.Authority, registryAuthority, StringComparison.OrdinalIgnoreCase);
        if (response.StatusCode != HttpStatusCode.Unauthorized || !ours || RegistryChallenge.From(response) is not { } challenge)
        {
            return response;
        }

        var answer = await Answer(challenge, RepositoryOf(request.RequestUri!), cancellationToken);
        if (answer is null)
        {
            return response;
        }

        response.Dispose();
        answers[repository] = answer;
        request.Headers.Authorization = answer;
        return await base.SendAsync(request, cancellationToken);
    }

    private async Task<AuthenticationHeaderValue?> Answer(RegistryChallenge challenge, string repository, CancellationToken cancel)
    {
        if (challenge.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            return Basic();
        }

        if (!challenge.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) || challenge.Realm is null)
        {
            return null;
        }

        var query = new List<string>();
        if (challenge.Service is { } service)
        {
            query.Add($"service={Uri.EscapeDataString(service)}");
        }

        var scope = challenge.Scope ?? (repository.Length > 0 ? $"repository:{repository}:pull,push" : null);
        if (scope is not null)
        {
            query.Add($"scope={Uri.EscapeDataString(scope)}");
        }

        var realm = challenge.Realm;
        using var tokenRequest = new HttpRequestMessage(HttpMethod.Get, query.Count == 0 ? realm : $"{realm}{(realm.Contains('?', StringComparison.Ordinal) ? '&' : '?')}{string.Join('&', query)}");
        tokenRequest.Headers.Authorization = Basic();
        using var tokenResponse = await base.SendAsync(tokenRequest, cancel);
        if (!tokenResponse.IsSuccessStatusCode)
        {
            throw new RegistryException(tokenResponse.StatusCode, ["UNAUTHORIZED"],
                $"the registry's token service {new Uri(realm).GetLeftPart(UriPartial.Path)} refused a token for {scope ?? "the registry"}: " +
                $"{(int)tokenResponse.StatusCode} {tokenResponse.ReasonPhrase}; check Registry:Username and the password.");
        }

        using var document = JsonDocument.Parse(await BoundedBody.Read(tokenResponse, MaxTokenResponseBytes, "the registry's token response", "", cancel));
        var root = document.RootElement;
        var token = root.ValueKind != JsonValueKind.Object ? null
            : root.TryGetProperty("token", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()
            : root.TryGetProperty("access_token", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
        return token is null
            ? throw new RegistryException(tokenResponse.StatusCode, ["UNAUTHORIZED"], $"the registry's token service answered without a token for {scope}.")
            : new AuthenticationHeaderValue("Bearer", token);
    }

    private AuthenticationHeaderValue? Basic() =>
        username is null ? null : new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}")));

    /// <summary>The repository a request is about: the part of <c>/v2/&lt;name&gt;/(blobs|manifests|tags)/…</c> before the resource; empty for <c>/v2/</c>.</summary>
    private static string RepositoryOf(Uri uri)
    {
        var path = uri.AbsolutePath;
        if (!path.StartsWith("/v2/", StringComparison.Ordinal))
        {
            return "";
        }

        var rest = path[4..];
        foreach (var marker in new[] { "/blobs/", "/manifests/", "/tags/", "/referrers/" })
        {
            var at = rest.IndexOf(marker, StringComparison.Ordinal);
            if (at > 0)
            {
                return rest[..at];
            }
        }

        return "";
    }
}
