using System.Security.Cryptography;
using Bpdp.Builder;
using Bpdp.Contracts;
using Bpdp.Images;
using Bpdp.Images.Layout;
using Bpdp.Testing;
using Bpdp.Trust.Attestations;
using Bpdp.UnitTests.Policy;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bpdp.UnitTests.Builder;

/// <summary>The Builder stage on the in-memory bus with the OCI-layout store: approvals in, one specific event out.</summary>
public sealed class ArtifactApprovedConsumerTests : IAsyncLifetime, IDisposable
{
    private static readonly DateTimeOffset ApprovedAt = new(2026, 11, 27, 9, 15, 0, TimeSpan.Zero);
    private readonly ApprovalSigning signing = new(ApprovedAt);
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-builder-").FullName;
    private readonly MessageSink sink = new();
    private WebApplication? host;

    private string Images => Path.Combine(folder, "images");

    public async Task InitializeAsync()
    {
        var executor = Path.Combine(folder, "bpdp-executor");
        await File.WriteAllBytesAsync(executor, [.. Enumerable.Range(0, 200_000).Select(i => (byte)(i * 13 % 251))]);
        host = TestHost.Build(new Dictionary<string, string?>
        {
            ["Bus:Transport"] = "InMemory",
            ["Images:Store"] = "Layout",
            ["Images:LayoutRoot"] = Images,
            ["Builder:ExecutorBinary"] = executor,
            [$"Builder:TrustedKeys:{ApprovalSigning.KeyId}:PublicKeyFile"] = signing.WritePublicKey(folder),
            [$"Builder:TrustedKeys:{ApprovalSigning.KeyId}:Agencies:0"] = "*",
            [$"Builder:TrustedKeys:{ApprovalSigning.KeyId}:Environments:0"] = "*",
        }, bus =>
        {
            bus.AddBuilderStage();
            bus.AddBuilderOutcomeProbes("unit");
        }, sink, services => services.AddSingleton<TimeProvider>(new FakeTimeProvider(ApprovedAt.AddMinutes(10))));
        await host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (host is not null)
        {
            await host.StopAsync();
            await host.DisposeAsync();
        }
    }

    public void Dispose()
    {
        signing.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    private Task Publish(ArtifactApproved approval) => host!.Services.GetRequiredService<IPublishEndpoint>().Publish(approval);

    [Fact]
    public async Task A_valid_approval_is_built_into_the_quarantine_repository_and_announced()
    {
        var approval = signing.Approve(PolicyExamples.HazFast("1.1.0"));
        await Publish(approval);

        var built = (await sink.WaitFor<ImageBuilt>(nameof(BuilderOutcomeProbe.BuiltProbe), m => m.DeploymentId == approval.DeploymentId)).Message;
        Assert.Equal("quarantine/osha/haz-fast", built.Image.Repository);
        Assert.Equal(2, built.LayerDigests.Count);
        var stored = await new OciLayoutImageStore(Images).PullImage(built.Image.Repository, built.Image.Digest);
        Assert.Equal(built.SizeBytes, stored.Size);
        Assert.Equal(built.LayerDigests, stored.Layers.Select(l => l.Digest));
        Assert.Equal("1.1.0", stored.Annotations["org.opencontainers.image.version"]!.GetValue<string>());
        Assert.Equal("2026-11-27T09:15:00Z", stored.Annotations["org.opencontainers.image.created"]!.GetValue<string>());
        Assert.Empty(sink.ReceivedBy(nameof(BuilderOutcomeProbe.RejectedProbe)));
    }

    [Fact]
    public async Task The_approval_it_verified_is_attached_beside_the_image_and_two_deployments_of_one_image_have_one_each()
    {
        var first = signing.Approve(PolicyExamples.HazFast("1.1.0"));
        var second = signing.Approve(PolicyExamples.HazFast("1.1.0"));
        await Publish(first);
        await Publish(second);

        var built = (await sink.WaitFor<ImageBuilt>(nameof(BuilderOutcomeProbe.BuiltProbe), m => m.DeploymentId == first.DeploymentId)).Message;
        Assert.Equal(built.Image, (await sink.WaitFor<ImageBuilt>(nameof(BuilderOutcomeProbe.BuiltProbe), m => m.DeploymentId == second.DeploymentId)).Message.Image);
        var store = new OciLayoutImageStore(Images);
        foreach (var approval in new[] { first, second })
        {
            var (attached, _) = (await ApprovalAttestation.Find(store, built.Image.Repository, built.Image.Digest, approval.DeploymentId))!.Value;
            Assert.Equal(ApprovalCanonicalForm.ToBytes(approval), attached.CanonicalForm);
            Assert.Equal((approval.Signature, approval.ApproverKeyId), (attached.Signature, attached.KeyId));
        }

        Assert.Null(await ApprovalAttestation.Find(store, built.Image.Repository, built.Image.Digest, Guid.NewGuid()));
        Assert.DoesNotContain(first.DeploymentId.ToString(), System.Text.Encoding.UTF8.GetString((await store.GetManifest(built.Image.Repository, built.Image.Digest)).Content),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redelivered_approval_builds_the_same_image_and_repeats_the_same_event_under_the_same_message_id()
    {
        var approval = signing.Approve(PolicyExamples.HazFast("1.0.0"));
        await Publish(approval);
        await Publish(approval);

        await Eventually.Holds(() => Task.FromResult(Built(approval).Count == 2), "both deliveries were answered");
        var answers = Built(approval);
        Assert.Equal(answers[0].Message.Image, answers[1].Message.Image);
        Assert.Equal(answers[0].MessageId, answers[1].MessageId);
        Assert.Single(Directory.GetFiles(Path.Combine(Images, "quarantine", "osha", "haz-fast", "blobs", "sha256")), f => f.EndsWith(answers[0].Message.Image.Digest[7..], StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("re-signed", "another approval of the same image")]
    [InlineData("another version", "another image than")]
    public async Task A_deployment_id_already_built_from_another_approval_is_refused_and_the_first_build_stays(string kind, string detail)
    {
        var first = signing.Approve(PolicyExamples.HazFast("1.0.0"));
        await Publish(first);
        await Eventually.Holds(() => Task.FromResult(Built(first).Count == 1), "the first approval was built");

        var second = kind == "re-signed"
            ? signing.Sign(first)
            : signing.Approve(PolicyExamples.HazFast("1.0.1"), deploymentId: first.DeploymentId);
        Assert.NotEqual(first.Signature, second.Signature);
        await Publish(second);

        var rejected = (await sink.WaitFor<ArtifactRejected>(nameof(BuilderOutcomeProbe.RejectedProbe), m => m.DeploymentId == first.DeploymentId)).Message;
        Assert.Equal(ApprovalRejectionReason.ReusedDeploymentId, rejected.Reason);
        Assert.Contains(detail, rejected.Message, StringComparison.Ordinal);
        Assert.Single(Built(first));
        var store = new OciLayoutImageStore(Images);
        var attached = await ApprovalAttestation.Find(store, Built(first)[0].Message.Image.Repository, Built(first)[0].Message.Image.Digest, first.DeploymentId);
        Assert.Equal(first.Signature, attached?.Approval.Signature);
    }

    public static TheoryData<string, ApprovalRejectionReason> Defects => new()
    {
        { "unsigned", ApprovalRejectionReason.MissingSignature },
        { "signed by another key", ApprovalRejectionReason.InvalidSignature },
        { "signed with an unknown key id", ApprovalRejectionReason.UnknownKey },
        { "policy changed after its hash", ApprovalRejectionReason.HashMismatch },
        { "oversize", ApprovalRejectionReason.Oversize },
        { "invalid policy", ApprovalRejectionReason.InvalidPolicy },
    };

    [Theory]
    [MemberData(nameof(Defects))]
    public async Task Each_defect_is_rejected_with_its_own_reason_and_nothing_is_built(string defect, ApprovalRejectionReason reason)
    {
        var approval = Defective(defect);
        await Publish(approval);

        var rejected = (await sink.WaitFor<ArtifactRejected>(nameof(BuilderOutcomeProbe.RejectedProbe), m => m.DeploymentId == approval.DeploymentId)).Message;
        Assert.Equal(reason, rejected.Reason);
        Assert.False(string.IsNullOrWhiteSpace(rejected.Message));
        Assert.Equal(reason == ApprovalRejectionReason.InvalidPolicy, rejected.Errors is { Count: > 1 });
        Assert.Empty(Built(approval));
        Assert.False(Directory.Exists(Images), "nothing is stored for a rejected approval");
    }

    [Fact]
    public async Task An_image_store_that_stays_unreachable_ends_in_a_deployment_failure_naming_it()
    {
        var executor = Path.Combine(folder, "bpdp-executor");
        var closedPort = System.Net.Sockets.TcpListener.Create(0);
        closedPort.Start();
        var port = ((System.Net.IPEndPoint)closedPort.LocalEndpoint).Port;
        closedPort.Stop();
        await using var unreachable = TestHost.Build(new Dictionary<string, string?>
        {
            ["Bus:Transport"] = "InMemory",
            ["Images:Store"] = "Registry",
            ["Registry:Url"] = $"http://127.0.0.1:{port}",
            ["Registry:RetryLimit"] = "2",
            ["Registry:RetryMinDelayMs"] = "10",
            ["Builder:ExecutorBinary"] = executor,
            [$"Builder:TrustedKeys:{ApprovalSigning.KeyId}:PublicKeyFile"] = signing.WritePublicKey(folder),
            [$"Builder:TrustedKeys:{ApprovalSigning.KeyId}:Agencies:0"] = "*",
            [$"Builder:TrustedKeys:{ApprovalSigning.KeyId}:Environments:0"] = "*",
        }, bus =>
        {
            bus.AddBuilderStage();
            bus.AddBuilderOutcomeProbes("unit");
        }, sink, services => services.AddSingleton<TimeProvider>(new FakeTimeProvider(ApprovedAt.AddMinutes(10))));
        await unreachable.StartAsync();
        var approval = signing.Approve(PolicyExamples.HazFast("1.0.0"));

        await unreachable.Services.GetRequiredService<IPublishEndpoint>().Publish(approval);

        var failed = (await sink.WaitFor<DeploymentFailed>(nameof(BuilderOutcomeProbe.FailedProbe), m => m.DeploymentId == approval.DeploymentId)).Message;
        Assert.Equal(PipelineStage.Builder, failed.Stage);
        Assert.Contains($"127.0.0.1:{port}/quarantine/osha/haz-fast", failed.Reason, StringComparison.Ordinal);
        Assert.Empty(Built(approval));
        await unreachable.StopAsync();
    }

    private ArtifactApproved Defective(string defect)
    {
        var valid = PolicyExamples.HazFast("1.0.0");
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return defect switch
        {
            "unsigned" => signing.Approve(valid) with { Signature = "" },
            "signed by another key" => signing.Approve(valid, signer: stranger),
            "signed with an unknown key id" => signing.Approve(valid, keyId: "approvals-1999"),
            "policy changed after its hash" => signing.Sign(signing.Approve(valid) with { PolicyYaml = valid.Replace("Expedited", "Relaxed", StringComparison.Ordinal) }),
            "oversize" => signing.Approve(valid + "\n# " + new string('x', ArtifactApproved.MaxPolicyYamlBytes)),
            "invalid policy" => signing.Approve(valid.Replace("hours: 600", "hours: -1", StringComparison.Ordinal).Replace("type: number", "type: decimal", StringComparison.Ordinal)),
            _ => throw new ArgumentOutOfRangeException(nameof(defect)),
        };
    }

    private List<ConsumeContext<ImageBuilt>> Built(ArtifactApproved approval) =>
        [.. sink.ReceivedBy(nameof(BuilderOutcomeProbe.BuiltProbe)).OfType<ConsumeContext<ImageBuilt>>().Where(c => c.Message.DeploymentId == approval.DeploymentId)];
}
