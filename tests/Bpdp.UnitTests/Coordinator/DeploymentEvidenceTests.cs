using Bpdp.Contracts;
using Bpdp.Platform.Security;
using static Bpdp.UnitTests.Coordinator.CoordinatorHarness;

namespace Bpdp.UnitTests.Coordinator;

/// <summary>The saga commands production only for a deployment it saw approved, and only for the image every stage agreed on.</summary>
public sealed class DeploymentEvidenceTests
{
    private static readonly ImageReference Other = new("registry.example/quarantine/haz-fast", "sha256:" + new string('d', 64));

    [Fact]
    public async Task A_release_for_a_deployment_never_approved_is_held_then_refused_at_its_deadline_and_nothing_is_deployed()
    {
        await using var coordinator = await CoordinatorHarness.Start();
        var id = Guid.NewGuid();

        await coordinator.Publish(new ImagePublished(id, coordinator.Now, Target, Release, "1.1.0", "sig"));
        var held = await coordinator.InState(id, m => m.AwaitingApproval);
        Assert.Equal(coordinator.Now.AddSeconds(300), held.DeadlineAt);
        coordinator.Clock.Advance(TimeSpan.FromSeconds(301));
        await coordinator.Harness.InactivityTask;
        Assert.Equal(1, await coordinator.Sweeper.SweepOnce());

        var saga = await coordinator.InState(id, m => m.Rejected);
        var rejected = Assert.IsType<DeploymentRejected>(Assert.Single(await coordinator.TerminalEvents(id)));
        Assert.Equal(PipelineStage.Coordinator, rejected.Stage);
        Assert.StartsWith("no approval the Coordinator could verify arrived within 300 s of ImagePublished", rejected.Reason, StringComparison.Ordinal);
        var refused = Assert.Single(coordinator.PublishedFor<MessageRefused>(id));
        Assert.Equal((PipelineStage.Coordinator, nameof(ImagePublished), RefusalReason.NotApproved), (refused.Stage, refused.MessageType, refused.Reason));
        Assert.Empty(coordinator.PublishedFor<DeployGreen>(id));
        Assert.Equal(1, saga.RefusedMessages);
        Assert.Null(saga.HeldPublished);
    }

    public static TheoryData<string, string> UnverifiableApprovals() => new()
    {
        { "tampered", "InvalidSignature" },
        { "unknown key", "UnknownKey" },
        { "stale", "StaleApproval" },
        { "key of another agency", "KeyNotAuthorized" },
        { "key of another environment", "KeyNotAuthorized" },
        { "expired key", "KeyNotValid" },
    };

    [Theory]
    [MemberData(nameof(UnverifiableApprovals))]
    public async Task An_approval_the_Coordinator_cannot_verify_ends_rejected_by_it_and_a_build_after_it_changes_nothing(string approval, string reason)
    {
        var key = $"Coordinator:TrustedKeys:{Bpdp.Testing.ApprovalSigning.KeyId}";
        var settings = approval switch
        {
            "key of another agency" => new Dictionary<string, string?> { [$"{key}:Agencies:0"] = "epa" },
            "key of another environment" => new Dictionary<string, string?> { [$"{key}:Environments:0"] = "staging" },
            "expired key" => new Dictionary<string, string?> { [$"{key}:NotAfter"] = StartedAt.AddDays(-1).ToString("O") },
            _ => null,
        };
        await using var coordinator = await CoordinatorHarness.Start(settings: settings);
        var id = Guid.NewGuid();
        var signed = coordinator.Approval(id);

        await coordinator.Publish(approval switch
        {
            "tampered" => signed with { PolicyVersion = "9.9.9" },
            "unknown key" => coordinator.Approvals.Sign(Unsigned(id) with { ApproverKeyId = "someone-else", ApprovedAt = StartedAt }),
            "stale" => coordinator.Approvals.Sign(Unsigned(id) with { ApproverKeyId = Bpdp.Testing.ApprovalSigning.KeyId, ApprovedAt = StartedAt.AddHours(-25) }),
            _ => signed,
        });

        await coordinator.InState(id, m => m.Rejected);
        await coordinator.Publish(new ImageBuilt(id, coordinator.Now, Target, Quarantine, 1, [], TimeSpan.Zero));
        var rejected = Assert.IsType<DeploymentRejected>(Assert.Single(await coordinator.TerminalEvents(id)));
        var saga = coordinator.Saga.Sagas.Contains(id)!;
        Assert.Equal(PipelineStage.Coordinator, rejected.Stage);
        Assert.StartsWith($"the Coordinator refused the approval ({reason})", rejected.Reason, StringComparison.Ordinal);
        var refused = Assert.Single(coordinator.PublishedFor<MessageRefused>(id));
        Assert.Equal((nameof(ArtifactApproved), RefusalReason.ApprovalRefused), (refused.MessageType, refused.Reason));
        Assert.False(saga.ApprovalVerified);
        Assert.Empty(coordinator.PublishedFor<DeployGreen>(id));
        // A Builder that built it anyway reports after the end: counted, never acted on.
        Assert.Equal(1, saga.LateEvents);
    }

    [Fact]
    public async Task A_scan_of_another_image_than_the_one_built_is_refused_and_the_real_scan_still_moves_the_deployment()
    {
        await using var coordinator = await CoordinatorHarness.Start();
        var id = Guid.NewGuid();
        await DeploymentStateMachineTests.DriveTo(coordinator, id, "Scanning");

        await coordinator.Publish(new ImageScanned(id, coordinator.Now, Target, Other, true, []));
        await coordinator.Harness.InactivityTask;
        var refused = Assert.Single(coordinator.PublishedFor<MessageRefused>(id));
        Assert.Equal((nameof(ImageScanned), RefusalReason.DigestMismatch), (refused.MessageType, refused.Reason));
        Assert.Equal($"it names {Other}, but the image the Builder reported is {Quarantine}", refused.Detail);
        Assert.Equal("Scanning", coordinator.Saga.Sagas.Contains(id)!.CurrentState);

        await coordinator.Publish(new ImageScanned(id, coordinator.Now, Target, Quarantine, true, []));
        var saga = await coordinator.InState(id, m => m.Publishing);
        Assert.Equal(Quarantine, saga.ScannedImage);
        Assert.Equal(1, saga.RefusedMessages);
    }

    [Fact]
    public async Task A_release_of_another_digest_than_the_one_scanned_never_reaches_Rollout()
    {
        await using var coordinator = await CoordinatorHarness.Start();
        var id = Guid.NewGuid();
        await DeploymentStateMachineTests.DriveTo(coordinator, id, "Publishing");

        await coordinator.Publish(new ImagePublished(id, coordinator.Now, Target, Release with { Digest = Other.Digest }, "1.1.0", "sig"));
        await coordinator.Harness.InactivityTask;
        Assert.Empty(coordinator.PublishedFor<DeployGreen>(id));
        Assert.Equal(RefusalReason.DigestMismatch, Assert.Single(coordinator.PublishedFor<MessageRefused>(id)).Reason);

        await coordinator.Publish(new ImagePublished(id, coordinator.Now, Target, Release, "1.1.0", "sig"));
        await coordinator.InState(id, m => m.DeployingGreen);
        await coordinator.Harness.InactivityTask;
        Assert.Equal(Release, Assert.Single(coordinator.PublishedFor<DeployGreen>(id)).Image);
    }

    [Fact]
    public async Task An_event_naming_another_target_than_the_approval_is_refused_and_counted()
    {
        await using var coordinator = await CoordinatorHarness.Start();
        var id = Guid.NewGuid();
        await DeploymentStateMachineTests.DriveTo(coordinator, id, "Scanning");
        var before = Refusals.Counted(PipelineStage.Coordinator, RefusalReason.TargetMismatch);

        await coordinator.Publish(new ImageScanned(id, coordinator.Now, Target with { PolicyVersion = "9.9.9" }, Quarantine, true, []));
        await coordinator.Harness.InactivityTask;

        var refused = Assert.Single(coordinator.PublishedFor<MessageRefused>(id));
        Assert.Equal(RefusalReason.TargetMismatch, refused.Reason);
        Assert.Equal("it names osha/production haz-fast 9.9.9, but the deployment was approved for osha/production haz-fast 1.1.0", refused.Detail);
        Assert.Equal(before + 1, Refusals.Counted(PipelineStage.Coordinator, RefusalReason.TargetMismatch));
        var status = await coordinator.Harness.GetRequestClient<GetDeploymentStatus>().GetResponse<DeploymentStatus>(new GetDeploymentStatus(id));
        Assert.Equal(("Scanning", 1), (status.Message.State, status.Message.RefusedMessages));
    }

    [Fact]
    public async Task A_new_color_running_another_image_does_not_start_the_analysis()
    {
        await using var coordinator = await CoordinatorHarness.Start();
        var id = Guid.NewGuid();
        await DeploymentStateMachineTests.DriveTo(coordinator, id, "DeployingGreen");

        await coordinator.Publish(new GreenReady(id, coordinator.Now, Target, Other, Color.Green, "http://preview", 1, TimeSpan.Zero));
        await coordinator.Harness.InactivityTask;

        Assert.Equal(nameof(GreenReady), Assert.Single(coordinator.PublishedFor<MessageRefused>(id)).MessageType);
        Assert.Equal("DeployingGreen", coordinator.Saga.Sagas.Contains(id)!.CurrentState);
    }

    [Fact]
    public async Task After_the_scan_a_build_report_of_another_image_is_refused_and_a_repeat_of_the_same_is_ignored()
    {
        await using var coordinator = await CoordinatorHarness.Start();
        var id = Guid.NewGuid();
        await DeploymentStateMachineTests.DriveTo(coordinator, id, "Publishing");

        await coordinator.Publish(new ImageBuilt(id, coordinator.Now, Target, Other, 1, [], TimeSpan.Zero));
        await coordinator.Publish(new ImageBuilt(id, coordinator.Now, Target, Quarantine, 1, [], TimeSpan.Zero));
        await coordinator.Harness.InactivityTask;

        var saga = coordinator.Saga.Sagas.Contains(id)!;
        Assert.Equal(nameof(ImageBuilt), Assert.Single(coordinator.PublishedFor<MessageRefused>(id)).MessageType);
        Assert.Equal(("Publishing", Quarantine, Quarantine), (saga.CurrentState, saga.BuiltImage, saga.Image));
    }

    [Fact]
    public async Task Of_two_different_early_releases_the_first_is_held_and_the_second_refused()
    {
        await using var coordinator = await CoordinatorHarness.Start();
        var id = Guid.NewGuid();

        await coordinator.Publish(new ImagePublished(id, coordinator.Now, Target, Release, "1.1.0", "sig"));
        await coordinator.InState(id, m => m.AwaitingApproval);
        await coordinator.Publish(new ImagePublished(id, coordinator.Now, Target, Release with { Digest = Other.Digest }, "1.1.0", "sig"));
        await coordinator.Publish(new ImagePublished(id, coordinator.Now, Target, Release, "1.1.0", "sig"));
        await coordinator.Harness.InactivityTask;

        var saga = coordinator.Saga.Sagas.Contains(id)!;
        Assert.Equal(Release, saga.HeldPublished!.Image);
        var refused = Assert.Single(coordinator.PublishedFor<MessageRefused>(id));
        Assert.Equal((nameof(ImagePublished), RefusalReason.DigestMismatch), (refused.MessageType, refused.Reason));
    }

    [Fact]
    public async Task No_operator_command_is_accepted_for_a_deployment_whose_approval_is_not_verified_yet()
    {
        await using var coordinator = await CoordinatorHarness.Start();
        var id = Guid.NewGuid();
        await coordinator.Publish(new ImageBuilt(id, coordinator.Now, Target, Quarantine, 1, [], TimeSpan.Zero));
        await coordinator.InState(id, m => m.AwaitingApproval);

        await coordinator.Publish(coordinator.Abort(id, "signed, but for a target only claimed"));
        await coordinator.Harness.InactivityTask;

        var refused = Assert.Single(coordinator.PublishedFor<MessageRefused>(id));
        Assert.Equal((nameof(AbortDeployment), RefusalReason.NotAuthorized), (refused.MessageType, refused.Reason));
        Assert.Equal("AwaitingApproval", coordinator.Saga.Sagas.Contains(id)!.CurrentState);
    }

    [Fact]
    public async Task A_stage_failure_while_the_approval_is_awaited_fails_the_deployment_with_its_reason()
    {
        await using var coordinator = await CoordinatorHarness.Start();
        var id = Guid.NewGuid();
        await coordinator.Publish(new ImageBuilt(id, coordinator.Now, Target, Quarantine, 1, [], TimeSpan.Zero));
        await coordinator.InState(id, m => m.AwaitingApproval);

        await coordinator.Publish(new DeploymentFailed(id, coordinator.Now, Target, PipelineStage.Scanner, "the image could not be read"));

        await coordinator.InState(id, m => m.Failed);
        var failed = Assert.IsType<DeploymentFailed>(Assert.Single(await coordinator.TerminalEvents(id)));
        Assert.Equal("Scanner: the image could not be read", failed.Reason);
    }

    [Fact]
    public async Task A_refused_approval_refuses_what_was_held_for_it()
    {
        await using var coordinator = await CoordinatorHarness.Start();
        var id = Guid.NewGuid();
        await coordinator.Publish(new ImagePublished(id, coordinator.Now, Target, Release, "1.1.0", "sig"));
        await coordinator.InState(id, m => m.AwaitingApproval);

        await coordinator.Publish(new ArtifactRejected(id, coordinator.Now, Target, ApprovalRejectionReason.InvalidSignature, "the signature does not verify"));

        await coordinator.InState(id, m => m.Rejected);
        await coordinator.Harness.InactivityTask;
        var refused = Assert.Single(coordinator.PublishedFor<MessageRefused>(id));
        Assert.Equal((nameof(ImagePublished), RefusalReason.NotApproved), (refused.MessageType, refused.Reason));
        Assert.Null(coordinator.Saga.Sagas.Contains(id)!.HeldPublished);
    }
}
