using System.Reflection;
using System.Text.RegularExpressions;
using Bpdp.Contracts;
using Bpdp.Coordinator.Saga;
using Bpdp.Platform.Bus.Identity;
using MassTransit;

namespace Bpdp.UnitTests.Platform;

/// <summary>
/// The table of who publishes and who consumes each message is what both the stages' sender checks and the
/// broker users' permissions come from: it must match what the stages really consume, and the permissions
/// must let each identity do its work and nothing of another's.
/// </summary>
public sealed class MessageRoutesTests
{
    [Fact]
    public void Every_pipeline_message_has_publishers()
    {
        Assert.All(PipelineMessageTypes.All, type => Assert.NotEmpty(MessageRoutes.PublishersOf(type) ?? []));
    }

    [Theory]
    [InlineData(BusIdentity.Builder, typeof(Bpdp.Builder.Consumers.ArtifactApprovedConsumer))]
    [InlineData(BusIdentity.Scanner, typeof(Bpdp.Scanner.Consumers.ImageBuiltConsumer))]
    [InlineData(BusIdentity.Publisher, typeof(Bpdp.Publisher.Consumers.ImageScannedConsumer))]
    [InlineData(BusIdentity.Rollout, typeof(Bpdp.Rollout.Consumers.DeployGreenConsumer))]
    [InlineData(BusIdentity.KpiGate, typeof(Bpdp.KpiGate.Consumers.GreenReadyConsumer))]
    [InlineData(BusIdentity.Notifier, typeof(Bpdp.Notifier.Consumers.NotifyingEventsConsumer))]
    public void A_stage_consumes_exactly_what_the_table_says(BusIdentity stage, Type oneOfItsConsumers)
    {
        var consumed = oneOfItsConsumers.Assembly.GetTypes()
            .SelectMany(type => type.GetInterfaces())
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IConsumer<>))
            .Select(i => i.GetGenericArguments()[0].Name)
            .Distinct()
            .Order(StringComparer.Ordinal);

        Assert.Equal(MessageRoutes.ConsumedBy(stage).Select(t => t.Name).Order(StringComparer.Ordinal), consumed);
    }

    [Fact]
    public void The_saga_consumes_exactly_what_the_table_says()
    {
        var events = typeof(DeploymentStateMachine).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(Event<>))
            .Select(p => p.PropertyType.GetGenericArguments()[0])
            .Distinct();

        Assert.Equal(MessageRoutes.ConsumedBy(BusIdentity.Coordinator).Select(Name).Order(StringComparer.Ordinal), events.Select(Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_console_watches_every_pipeline_message_and_may_publish_no_fault()
    {
        Assert.Equal(PipelineMessageTypes.All, MessageRoutes.ConsumedBy(BusIdentity.Console));
        Assert.DoesNotContain(MessageRoutes.PublishedBy(BusIdentity.Console), type => type.IsGenericType);
        Assert.Equal([BusIdentity.Operator, BusIdentity.Console], MessageRoutes.PublishersOf(typeof(AbortDeployment)));
        var permissions = BrokerPermissions.For(BusIdentity.Console, stage => $"{StageQueues.DefaultQueue(stage)}-x");
        Assert.Matches(permissions.Write, "Bpdp.Contracts:PromoteDeployment");
        Assert.DoesNotMatch(permissions.Write, "MassTransit:Fault--Bpdp.Contracts:DeployGreen--");
        Assert.DoesNotMatch(permissions.Write, "Bpdp.Contracts:DeployGreen");
        Assert.Matches(permissions.Read, "Bpdp.Contracts:DeployGreen");
    }

    [Fact]
    public void A_fault_comes_from_the_stages_that_consume_what_failed()
    {
        Assert.Equal([BusIdentity.Rollout], MessageRoutes.PublishersOf(typeof(Fault<DeployGreen>)));
        Assert.Equal([BusIdentity.Builder, BusIdentity.KpiGate, BusIdentity.Coordinator, BusIdentity.Notifier], MessageRoutes.PublishersOf(typeof(Fault<ArtifactApproved>))!.Order());
        Assert.Null(MessageRoutes.PublishersOf(typeof(string)));
    }

    [Theory]
    [InlineData(BusIdentity.Scanner, "write", "Bpdp.Contracts:ImageScanned", true)]
    [InlineData(BusIdentity.Scanner, "write", "Bpdp.Contracts:ImageScannedX", false)]
    [InlineData(BusIdentity.Scanner, "write", "Bpdp.Contracts:ImagePublished", false)]
    [InlineData(BusIdentity.Scanner, "write", "Bpdp.Contracts:DeployGreen", false)]
    [InlineData(BusIdentity.Scanner, "write", "Bpdp.Contracts:DeploymentFailed", true)]
    [InlineData(BusIdentity.Scanner, "write", "Bpdp.Contracts:IPipelineMessage", true)]
    [InlineData(BusIdentity.Scanner, "read", "Bpdp.Contracts:IPipelineMessage", false)]
    [InlineData(BusIdentity.Scanner, "write", "MassTransit:Fault--Bpdp.Contracts:ImageBuilt--", true)]
    [InlineData(BusIdentity.Scanner, "write", "MassTransit:Fault--Bpdp.Contracts:DeployGreen--", false)]
    [InlineData(BusIdentity.Scanner, "write", "MassTransit:Fault", true)]
    [InlineData(BusIdentity.Scanner, "read", "MassTransit:Fault", false)]
    [InlineData(BusIdentity.Scanner, "read", "MassTransit:ReceiveFault", true)]
    [InlineData(BusIdentity.Scanner, "configure", "scanner-x", true)]
    [InlineData(BusIdentity.Scanner, "configure", "scanner-x_error", true)]
    [InlineData(BusIdentity.Scanner, "configure", "builder-x", false)]
    [InlineData(BusIdentity.Scanner, "write", "rollout-x", false)]
    [InlineData(BusIdentity.Scanner, "write", "", false)]
    [InlineData(BusIdentity.Scanner, "write", "amq.default", false)]
    [InlineData(BusIdentity.Ledger, "read", "Bpdp.Contracts:IPipelineMessage", true)]
    [InlineData(BusIdentity.Ledger, "write", "Bpdp.Contracts:ImageBuilt", false)]
    [InlineData(BusIdentity.Notifier, "read", "Bpdp.Contracts:KpiFailed", true)]
    [InlineData(BusIdentity.Notifier, "read", "Bpdp.Contracts:ImageBuilt", true)]
    [InlineData(BusIdentity.Notifier, "read", "Bpdp.Contracts:IPipelineMessage", false)]
    [InlineData(BusIdentity.Notifier, "write", "Bpdp.Contracts:MessageRefused", true)]
    [InlineData(BusIdentity.Notifier, "write", "Bpdp.Contracts:KpiFailed", false)]
    [InlineData(BusIdentity.Notifier, "write", "notifier-x_error", true)]
    [InlineData(BusIdentity.Notifier, "write", "coordinator-x", false)]
    [InlineData(BusIdentity.Approver, "write", "Bpdp.Contracts:ArtifactApproved", true)]
    [InlineData(BusIdentity.Approver, "write", "Bpdp.Contracts:DeployGreen", false)]
    [InlineData(BusIdentity.Approver, "read", "Bpdp.Contracts:ArtifactApproved", true)]
    [InlineData(BusIdentity.Operator, "write", "coordinator-x-status", true)]
    [InlineData(BusIdentity.Operator, "configure", "coordinator-x", false)]
    [InlineData(BusIdentity.Operator, "write", "coordinator-x", false)]
    [InlineData(BusIdentity.Operator, "write", "Bpdp.Contracts:PromoteDeployment", true)]
    [InlineData(BusIdentity.Coordinator, "read", "coordinator-x-status", true)]
    [InlineData(BusIdentity.Coordinator, "write", "Bpdp.Contracts:CutOverTraffic", true)]
    [InlineData(BusIdentity.Coordinator, "write", "Bpdp.Contracts:ImageBuilt", false)]
    [InlineData(BusIdentity.Coordinator, "write", "myhost_dotnet_bus_ab1oyyg5ytbyxr3qbdpzixcp8u", true)]
    public void Each_identity_may_touch_only_what_it_needs(BusIdentity identity, string permission, string resource, bool allowed)
    {
        var permissions = BrokerPermissions.For(identity, stage => $"{StageQueues.DefaultQueue(stage)}-x");
        var pattern = permission switch { "configure" => permissions.Configure, "write" => permissions.Write, _ => permissions.Read };

        Assert.Equal(allowed, Regex.IsMatch(resource, pattern));
    }

    [Fact]
    public void One_user_for_every_stage_may_do_what_each_stage_may()
    {
        var stages = StageQueues.Stages.Select(stage => BrokerPermissions.For(stage, StageQueues.DefaultQueue)).ToList();
        var union = BrokerPermissions.Union(stages);

        Assert.Matches(union.Write, "Bpdp.Contracts:DeployGreen");
        Assert.Matches(union.Write, "Bpdp.Contracts:ImageBuilt");
        Assert.Matches(union.Read, "Bpdp.Contracts:IPipelineMessage");
        Assert.DoesNotMatch(union.Write, "Bpdp.Contracts:ArtifactApproved");
    }

    [Fact]
    public void A_user_plays_the_identities_configured_for_it_and_else_the_default_user()
    {
        var options = new SenderOptions();
        options.Users[BusIdentity.Builder] = "up, builder-2";
        options.Users[BusIdentity.Scanner] = "up";

        Assert.Equal([BusIdentity.Builder, BusIdentity.Scanner], options.IdentitiesOf("up"));
        Assert.Equal([BusIdentity.Builder], options.IdentitiesOf("builder-2"));
        Assert.Equal([BusIdentity.KpiGate], options.IdentitiesOf("bpdp-kpi-gate"));
        Assert.Empty(options.IdentitiesOf("bpdp-builder"));
    }

    private static string Name(Type type) => type.IsGenericType ? $"{type.Name}[{type.GetGenericArguments()[0].Name}]" : type.Name;
}
