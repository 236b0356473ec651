using Bpdp.Notifier;
using Bpdp.Notifier.Routing;
using Bpdp.Notifier.Sinks;

namespace Bpdp.UnitTests.Notifier;

public sealed class NotifierOptionsValidatorTests
{
    [Fact]
    public void A_route_to_an_unknown_sink_and_sinks_that_could_never_deliver_are_refused_by_key()
    {
        var options = new NotifierOptions
        {
            Routes = [NotifierSamples.Route("ops", sinks: ["hook", "pager"]), NotifierSamples.Route("ops", sinks: "hook")],
            Sinks = new Dictionary<string, SinkOptions>(StringComparer.Ordinal)
            {
                ["hook"] = new() { Kind = SinkKind.Webhook, Url = new Uri("https://hooks.example/bpdp") },
                ["chat"] = new() { Kind = SinkKind.Slack },
                ["mail"] = new() { Kind = SinkKind.Email, Host = "smtp.example", From = "not an address" },
            },
        };

        var result = new NotifierOptionsValidator().Validate(null, options);

        Assert.Equal(
        [
            "Notifier:Routes:0:Name 'ops' is used by another route; route names must be unique.",
            "Notifier:Routes:0:Sinks names 'pager', which is not a sink; configure Notifier:Sinks:pager or use one of: chat, hook, mail.",
            "Notifier:Routes:1:Name 'ops' is used by another route; route names must be unique.",
            "Notifier:Sinks:hook:SecretFile is required: a webhook is signed (X-Bpdp-Signature) with the secret in that file.",
            "Notifier:Sinks:chat: set exactly one of Url and UrlFile (the webhook's address is its credential: prefer UrlFile).",
            "Notifier:Sinks:mail:From must be an e-mail address.",
            "Notifier:Sinks:mail:To must list at least one e-mail address, and only addresses.",
        ], result.Failures);
    }

    [Fact]
    public void No_route_at_all_is_valid()
    {
        Assert.True(new NotifierOptionsValidator().Validate(null, new NotifierOptions()).Succeeded);
    }
}
