using Bpdp.Notifier.Sinks;
using Microsoft.Extensions.Options;

namespace Bpdp.Notifier;

/// <summary>Refuses at start a route or sink that could never deliver: every problem named by its configuration key.</summary>
public sealed class NotifierOptionsValidator : IValidateOptions<NotifierOptions>
{
    public ValidateOptionsResult Validate(string? name, NotifierOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (options.ConsoleUrl is { } console && (!console.IsAbsoluteUri || console.Scheme is not ("http" or "https")))
        {
            problems.Add("Notifier:ConsoleUrl must be an absolute http(s) address.");
        }

        if (options.MaxRetrySeconds < options.FirstRetrySeconds)
        {
            problems.Add("Notifier:MaxRetrySeconds must be at least Notifier:FirstRetrySeconds.");
        }

        for (var i = 0; i < options.Routes.Count; i++)
        {
            var route = options.Routes[i];
            var key = $"Notifier:Routes:{i}";
            if (string.IsNullOrWhiteSpace(route.Name))
            {
                problems.Add($"{key}:Name is required.");
            }
            else if (options.Routes.Count(r => r.Name == route.Name) > 1)
            {
                problems.Add($"{key}:Name '{route.Name}' is used by another route; route names must be unique.");
            }

            if (route.Sinks.Count == 0)
            {
                problems.Add($"{key}:Sinks names no sink.");
            }

            problems.AddRange(route.Sinks.Where(sink => !options.Sinks.ContainsKey(sink))
                .Select(sink => $"{key}:Sinks names '{sink}', which is not a sink; configure Notifier:Sinks:{sink} or use one of: {Known(options)}."));
        }

        foreach (var (sinkName, sink) in options.Sinks)
        {
            problems.AddRange(SinkProblems($"Notifier:Sinks:{sinkName}", sink));
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static IEnumerable<string> SinkProblems(string key, SinkOptions sink)
    {
        switch (sink.Kind)
        {
            case SinkKind.Webhook:
                if (!IsHttp(sink.Url))
                {
                    yield return $"{key}:Url must be an absolute http(s) address.";
                }

                if (string.IsNullOrWhiteSpace(sink.SecretFile))
                {
                    yield return $"{key}:SecretFile is required: a webhook is signed (X-Bpdp-Signature) with the secret in that file.";
                }
                else if (!File.Exists(sink.SecretFile))
                {
                    yield return $"{key}:SecretFile {sink.SecretFile} does not exist.";
                }

                break;
            case SinkKind.Slack or SinkKind.Teams:
                if (sink.Url is null == string.IsNullOrWhiteSpace(sink.UrlFile))
                {
                    yield return $"{key}: set exactly one of Url and UrlFile (the webhook's address is its credential: prefer UrlFile).";
                }
                else if (sink.Url is { } url && !IsHttp(url))
                {
                    yield return $"{key}:Url must be an absolute http(s) address.";
                }
                else if (sink.UrlFile is { Length: > 0 } file && !File.Exists(file))
                {
                    yield return $"{key}:UrlFile {file} does not exist.";
                }

                break;
            case SinkKind.Email:
                if (string.IsNullOrWhiteSpace(sink.Host))
                {
                    yield return $"{key}:Host is required (the SMTP server).";
                }

                if (sink.Port is < 1 or > 65535)
                {
                    yield return $"{key}:Port must be between 1 and 65535.";
                }

                if (!IsAddress(sink.From))
                {
                    yield return $"{key}:From must be an e-mail address.";
                }

                if (sink.To.Count == 0 || !sink.To.All(IsAddress))
                {
                    yield return $"{key}:To must list at least one e-mail address, and only addresses.";
                }

                if (sink.UserName is { Length: > 0 } && (string.IsNullOrWhiteSpace(sink.PasswordFile) || !File.Exists(sink.PasswordFile)))
                {
                    yield return $"{key}:PasswordFile must name an existing file when UserName is set.";
                }

                if (sink.UserName is { Length: > 0 } && sink.Security is not (SmtpSecurity.StartTls or SmtpSecurity.Tls))
                {
                    yield return $"{key}:Security must be StartTls or Tls when UserName is set: the password must never cross the network in clear.";
                }

                break;
            default:
                yield return $"{key}:Kind must be one of {string.Join(", ", Enum.GetNames<SinkKind>())}.";
                break;
        }
    }

    private static bool IsHttp(Uri? url) => url is { IsAbsoluteUri: true, Scheme: "http" or "https" };

    private static bool IsAddress(string? address) => address is { Length: > 0 } && MimeKit.MailboxAddress.TryParse(address, out var parsed) && parsed.Address.Contains('@', StringComparison.Ordinal);

    private static string Known(NotifierOptions options) => options.Sinks.Count == 0 ? "(none configured)" : string.Join(", ", options.Sinks.Keys.Order(StringComparer.Ordinal));
}
