using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Bpdp.Images.Registry;

namespace Bpdp.UnitTests.Images;

/// <summary>The challenge flows of the distribution spec, against a scripted registry: basic, bearer token, refusal.</summary>
public sealed class RegistryAuthHandlerTests
{
    private const string Registry = "http://registry.test";

    private sealed class ScriptedRegistry(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        public List<(string Method, string Url, string? Authorization)> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add((request.Method.Method, request.RequestUri!.ToString(), request.Headers.Authorization?.ToString()));
            return Task.FromResult(answer(request));
        }
    }

    private static HttpResponseMessage Challenge(string header)
    {
        var response = new HttpResponseMessage(HttpStatusCode.Unauthorized);
        response.Headers.TryAddWithoutValidation("WWW-Authenticate", header);
        return response;
    }

    private static string BasicOf(string user, string password) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    [Fact]
    public async Task A_basic_challenge_is_answered_with_the_configured_credentials_and_they_are_sent_up_front_afterwards()
    {
        var registry = new ScriptedRegistry(request => request.Headers.Authorization?.ToString() == BasicOf("ops", "s3cret")
            ? new HttpResponseMessage(HttpStatusCode.OK)
            : Challenge("Basic realm=\"Registry\""));
        using var http = new HttpClient(new RegistryAuthHandler("ops", "s3cret") { InnerHandler = registry });

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri($"{Registry}/v2/osha/haz-fast/manifests/1.0.0"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri($"{Registry}/v2/osha/haz-fast/blobs/sha256:00"))).StatusCode);

        Assert.Equal([null, BasicOf("ops", "s3cret"), BasicOf("ops", "s3cret")], registry.Requests.Select(r => r.Authorization));
    }

    [Fact]
    public async Task A_bearer_challenge_fetches_a_token_for_its_scope_from_the_realm_with_the_credentials()
    {
        var registry = new ScriptedRegistry(request => request.RequestUri!.Host switch
        {
            "auth.test" when request.Headers.Authorization?.ToString() == BasicOf("ops", "s3cret") =>
                new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("""{"token":"tok-123","expires_in":300}""") },
            "auth.test" => new HttpResponseMessage(HttpStatusCode.Unauthorized),
            _ when request.Headers.Authorization?.ToString() == "Bearer tok-123" => new HttpResponseMessage(HttpStatusCode.Created),
            _ => Challenge("Bearer realm=\"http://auth.test/token\",service=\"registry.test\",scope=\"repository:osha/haz-fast:pull,push\""),
        });
        using var http = new HttpClient(new RegistryAuthHandler("ops", "s3cret") { InnerHandler = registry });

        var response = await http.PutAsync(new Uri($"{Registry}/v2/osha/haz-fast/manifests/1.0.0"), new ByteArrayContent([1, 2, 3]));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var token = registry.Requests.Single(r => r.Url.StartsWith("http://auth.test", StringComparison.Ordinal));
        Assert.Equal("http://auth.test/token?service=registry.test&scope=repository%3Aosha%2Fhaz-fast%3Apull%2Cpush", token.Url);
        Assert.Equal("Bearer tok-123", registry.Requests[^1].Authorization);
    }

    [Fact]
    public async Task A_token_service_that_refuses_the_credentials_fails_with_a_clear_error_that_does_not_contain_the_password()
    {
        var registry = new ScriptedRegistry(request => request.RequestUri!.Host == "auth.test"
            ? new HttpResponseMessage(HttpStatusCode.Unauthorized)
            : Challenge("Bearer realm=\"http://auth.test/token\",service=\"registry.test\""));
        using var http = new HttpClient(new RegistryAuthHandler("ops", "wrong-password") { InnerHandler = registry });

        var error = await Assert.ThrowsAsync<RegistryException>(() => http.GetAsync(new Uri($"{Registry}/v2/osha/haz-fast/tags/list")));

        Assert.Contains("refused a token for repository:osha/haz-fast:pull,push", error.Message, StringComparison.Ordinal);
        Assert.Contains("Registry:Username", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-password", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_credentials_a_basic_challenge_is_passed_back_as_the_401_it_is()
    {
        var registry = new ScriptedRegistry(_ => Challenge("Basic realm=\"Registry\""));
        using var http = new HttpClient(new RegistryAuthHandler(null, null) { InnerHandler = registry });

        var response = await http.GetAsync(new Uri($"{Registry}/v2/"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Single(registry.Requests);
    }

    [Fact]
    public async Task A_challenge_from_another_host_than_the_registry_gets_no_credentials()
    {
        var registry = new ScriptedRegistry(_ => Challenge("Basic realm=\"elsewhere\""));
        using var http = new HttpClient(new RegistryAuthHandler("ops", "s3cret", "registry.test") { InnerHandler = registry });

        var response = await http.PutAsync(new Uri("http://uploads.elsewhere.test/v2/osha/haz-fast/blobs/uploads/1"), new ByteArrayContent([1]));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(Assert.Single(registry.Requests).Authorization);
    }

    [Fact]
    public void Challenge_parameters_are_read_quoted_or_bare()
    {
        var challenge = RegistryChallenge.Parse(new AuthenticationHeaderValue("Bearer", "realm=\"https://auth.example/token\",service=registry.example,scope=\"repository:a/b:pull\""));

        Assert.Equal(("https://auth.example/token", "registry.example", "repository:a/b:pull"), (challenge.Realm, challenge.Service, challenge.Scope));
    }
}
