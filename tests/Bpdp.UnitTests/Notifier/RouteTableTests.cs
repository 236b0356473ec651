using Bpdp.Notifier.Routing;
using Bpdp.Notifier.Triggers;
using static Bpdp.UnitTests.Notifier.NotifierSamples;

namespace Bpdp.UnitTests.Notifier;

public sealed class RouteTableTests
{
    [Fact]
    public void A_route_matches_its_agency_environment_and_triggers_and_names_each_sink_once()
    {
        var routes = Routes(new Uri("https://console.example/"),
            Route("osha-prod", "osha", "production", [Trigger.KpiFailed], "hook", "mail", "hook"),
            Route("osha-staging", "osha", "staging", null, "hook"),
            Route("everything", sinks: "slack"),
            Route("rollbacks-only", triggers: [Trigger.DeploymentRolledBack], sinks: "teams"));
        var id = Guid.NewGuid();
        var failed = Occurrences.From(Failed(id));

        var notifications = routes.For(failed, Osha, failed.Measurements);

        Assert.Equal(["osha-prod/hook", "osha-prod/mail", "everything/slack"], notifications.Select(n => $"{n.Route}/{n.Sink}"));
        Assert.All(notifications, n => Assert.Equal(new Uri($"https://console.example/deployments/{id}"), n.Link));
        Assert.All(notifications, n => Assert.Equal("haz-fast 1.1.0 on osha/production: pre-promotion KPI gate failed", n.Title));
        Assert.Equal(3, notifications.Select(n => n.Id).Distinct().Count());
    }

    [Fact]
    public void The_same_event_gives_the_same_ids_and_another_phase_other_ids()
    {
        var routes = Routes(null, Route("all", sinks: "hook"));
        var id = Guid.NewGuid();
        var pre = Occurrences.From(Failed(id));
        var post = Occurrences.From(Failed(id) with { Phase = Bpdp.Contracts.AnalysisPhase.PostPromotion });

        Assert.Equal(routes.For(pre, Osha, []).Single().Id, routes.For(pre with { Why = "reworded" }, Osha, []).Single().Id);
        Assert.NotEqual(routes.For(pre, Osha, []).Single().Id, routes.For(post, Osha, []).Single().Id);
    }

    [Fact]
    public void An_event_of_a_deployment_nobody_named_reaches_only_routes_for_every_agency_and_environment()
    {
        var routes = Routes(null, Route("osha", "osha", "*", null, "hook"), Route("all", sinks: "slack"));
        var refused = Occurrences.From(new Bpdp.Contracts.MessageRefused(Guid.NewGuid(), DateTimeOffset.UnixEpoch, Bpdp.Contracts.PipelineStage.Builder, "ArtifactApproved",
            Bpdp.Contracts.RefusalReason.InvalidSignature, "the signature does not verify with key approvals"), Guid.NewGuid());

        var notification = Assert.Single(routes.For(refused, null, []));

        Assert.Equal("all", notification.Route);
        Assert.StartsWith($"Deployment {refused.DeploymentId}: the Builder refused a ArtifactApproved (InvalidSignature)", notification.Title, StringComparison.Ordinal);
        Assert.Equal("the signature does not verify with key approvals", notification.Summary);
    }

    [Fact]
    public void Agency_and_environment_match_without_regard_to_case_and_never_partly()
    {
        var routes = Routes(null, Route("osha", "OSHA", "Production", null, "hook"), Route("osh", "osh", "*", null, "hook"));

        var notifications = routes.For(Occurrences.From(Failed(Guid.NewGuid())), Osha, []);

        Assert.Equal("osha", Assert.Single(notifications).Route);
    }
}
