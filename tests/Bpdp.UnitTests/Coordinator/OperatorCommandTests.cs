using System.Security.Cryptography;
using Bpdp.Contracts;
using MassTransit;
using static Bpdp.UnitTests.Coordinator.CoordinatorHarness;

namespace Bpdp.UnitTests.Coordinator;

/// <summary>An abort or promotion changes a deployment only when an operator key whose roles and agencies cover it signed it.</summary>
public sealed class OperatorCommandTests
{
    private const string Key = $"Coordinator:OperatorKeys:{OperatorKeyId}";

    public static TheoryData<string, RefusalReason> RefusedCommands() => new()
    {
        { "unsigned abort", RefusalReason.MissingSignature },
        { "unsigned promotion", RefusalReason.MissingSignature },
        { "abort by an unknown key", RefusalReason.InvalidSignature },
        { "abort with a changed reason", RefusalReason.InvalidSignature },
        { "promotion by an abort-only key", RefusalReason.NotAuthorized },
        { "abort by a key of another agency", RefusalReason.NotAuthorized },
        { "abort signed 11 minutes ago", RefusalReason.Stale },
    };

    [Theory]
    [MemberData(nameof(RefusedCommands))]
    public async Task A_command_without_valid_evidence_is_refused_recorded_and_changes_nothing(string command, RefusalReason reason)
    {
        var settings = command switch
        {
            "promotion by an abort-only key" => new Dictionary<string, string?> { [$"{Key}:Roles:1"] = "Abort" },
            "abort by a key of another agency" => new Dictionary<string, string?> { [$"{Key}:Agencies:0"] = "epa" },
            _ => null,
        };
        await using var coordinator = await CoordinatorHarness.Start(settings: settings);
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var id = Guid.NewGuid();
        await DeploymentStateMachineTests.DriveTo(coordinator, id, "Soaking");

        IPipelineMessage forged = command switch
        {
            "unsigned abort" => new AbortDeployment(id, coordinator.Now, "ops@osha.example", "wrong version"),
            "unsigned promotion" => new PromoteDeployment(id, coordinator.Now, "ops@osha.example"),
            "abort by an unknown key" => OperatorCommandCanonicalForm.Sign(new AbortDeployment(id, coordinator.Now, "ops@osha.example", "why", "someone"), stranger),
            "abort with a changed reason" => coordinator.Abort(id, "wrong version") with { Reason = "anything else" },
            "promotion by an abort-only key" => coordinator.Promote(id),
            "abort by a key of another agency" => coordinator.Abort(id, "wrong version"),
            _ => OperatorCommandCanonicalForm.Sign(new AbortDeployment(id, coordinator.Now.AddMinutes(-11), "ops@osha.example", "why", OperatorKeyId), coordinator.OperatorKey),
        };
        await coordinator.Harness.Bus.Publish(forged, forged.GetType());
        await coordinator.Harness.InactivityTask;

        var refused = Assert.Single(coordinator.PublishedFor<MessageRefused>(id));
        Assert.Equal((PipelineStage.Coordinator, reason), (refused.Stage, refused.Reason));
        Assert.Equal(command.Contains("promotion", StringComparison.Ordinal) ? nameof(PromoteDeployment) : nameof(AbortDeployment), refused.MessageType);
        var saga = coordinator.Saga.Sagas.Contains(id)!;
        Assert.Equal(("Soaking", 1), (saga.CurrentState, saga.RefusedMessages));
        Assert.Empty(coordinator.PublishedFor<RollBackDeployment>(id));
        Assert.Empty(coordinator.PublishedFor<FinalizeDeployment>(id));
    }

    [Fact]
    public async Task A_signed_abort_rolls_back_and_names_the_operator_as_verified()
    {
        await using var coordinator = await CoordinatorHarness.Start(bus => bus.AddHandler<RollBackDeployment>(c =>
            c.Publish(new RolledBack(c.Message.DeploymentId, DateTimeOffset.UtcNow, c.Message.Target, Color.Blue, c.Message.Reason, TimeSpan.Zero))));
        var id = Guid.NewGuid();
        await DeploymentStateMachineTests.DriveTo(coordinator, id, "Analyzing");

        await coordinator.Publish(coordinator.Abort(id, "error rate climbing", by: "jane.doe@osha.example"));

        await coordinator.InState(id, m => m.RolledBack);
        var rolledBack = Assert.IsType<DeploymentRolledBack>(Assert.Single(await coordinator.TerminalEvents(id)));
        Assert.Equal("aborted by jane.doe@osha.example (key ops-test): error rate climbing", rolledBack.Reason);
        Assert.Empty(coordinator.PublishedFor<MessageRefused>(id));
    }
}
