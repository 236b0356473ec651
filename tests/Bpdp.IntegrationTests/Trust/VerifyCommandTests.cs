using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Bpdp.Builder;
using Bpdp.Builder.Oci;
using Bpdp.Cli;
using Bpdp.Contracts;
using Bpdp.Images;
using Bpdp.Images.Registry;
using Bpdp.IntegrationTests.Images;
using Bpdp.IntegrationTests.Servers;
using Bpdp.Policy;
using Bpdp.Publisher;
using Bpdp.Scanner;
using Bpdp.Testing;
using Bpdp.Trust.Attestations;
using Bpdp.Trust.Release;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bpdp.IntegrationTests.Trust;

/// <summary>
/// <c>bpdp verify</c> against the real registry, on images released by the real Builder, Scanner and Publisher (on the
/// in-memory bus, so no broker is involved): a release passes every check, and each thing an attacker with write access
/// to the registry but no key can do — move the tag, replace the signature, replace or copy the provenance — fails the
/// check it belongs to, by name.
/// </summary>
[Collection(RealServersCollection.Name)]
public sealed class VerifyCommandTests(RealServers servers) : IAsyncLifetime
{
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-verify-").FullName;
    private readonly string agency = $"audit-{Guid.NewGuid().ToString("N")[..8]}";
    private readonly ApprovalSigning approvals = new();
    private readonly ScanSigning scans = new();
    private readonly ReleaseSigning release = new();
    private readonly ECDsa stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly MessageSink sink = new();
    private WebApplication? host;
    private string registry = "";

    public sealed class PublishedProbe(MessageSink sink) : RecordingConsumer<ImagePublished>(sink);

    public sealed class EndedProbe(MessageSink sink) : RecordingConsumer<DeploymentFailed>(sink);

    private string Repository => $"{agency}/haz-fast";

    private RegistryImageStore Store => ImageStoreRegistration.CreateRegistryStore(new RegistryOptions { Url = new Uri($"http://{registry}") }, NullLogger<RegistryImageStore>.Instance);

    public async Task InitializeAsync()
    {
        registry = await servers.Registry();
        var settings = new Dictionary<string, string?>([.. approvals.TrustedKeySettings(folder, "Builder"), .. approvals.TrustedKeySettings(folder, "Publisher"),
            .. scans.ScannerSettings(folder), .. scans.PublisherSettings(folder)])
        {
            ["Bus:Transport"] = "InMemory",
            ["Images:Store"] = "Registry",
            ["Registry:Url"] = $"http://{registry}",
            ["Builder:ExecutorBinary"] = PublishedExecutor.Path,
            ["Publisher:SigningKeyFile"] = release.WritePrivateKey(folder),
        };
        host = TestHost.Build(settings, bus =>
        {
            bus.AddBuilderStage();
            bus.AddScannerStage();
            bus.AddPublisherStage();
            bus.AddConsumer<PublishedProbe>();
            bus.AddConsumer<EndedProbe>();
        }, sink);
        await host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (host is not null)
        {
            await host.StopAsync();
            await host.DisposeAsync();
        }

        approvals.Dispose();
        scans.Dispose();
        release.Dispose();
        stranger.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>haz-fast at <paramref name="version"/> for this test's agency, approved, built, scanned and released by the stages themselves.</summary>
    private async Task<ImagePublished> Released(string version)
    {
        var approval = approvals.Approve(Policy(version));
        await host!.Services.GetRequiredService<IPublishEndpoint>().Publish(approval);
        await Eventually.Holds(() => Task.FromResult(sink.ReceivedBy(nameof(PublishedProbe)).OfType<ConsumeContext<ImagePublished>>().Any(c => c.Message.DeploymentId == approval.DeploymentId)
            || sink.ReceivedBy(nameof(EndedProbe)).OfType<ConsumeContext<DeploymentFailed>>().Any(c => c.Message.DeploymentId == approval.DeploymentId)),
            $"haz-fast {version} was released or failed", TimeSpan.FromSeconds(120));
        Assert.Empty(sink.ReceivedBy(nameof(EndedProbe)).OfType<ConsumeContext<DeploymentFailed>>().Select(c => c.Message.Reason));
        return sink.ReceivedBy(nameof(PublishedProbe)).OfType<ConsumeContext<ImagePublished>>().Single(c => c.Message.DeploymentId == approval.DeploymentId).Message;
    }

    private string Policy(string version, string variant = "") =>
        File.ReadAllText(Path.Combine(RepositoryRoot.Path, "examples", "haz-fast", $"v{version}.yaml")).Replace("agency: osha", $"agency: {agency}", StringComparison.Ordinal) + variant;

    /// <summary>Runs <c>bpdp verify</c> with the pipeline's public keys, as an auditor holding them would.</summary>
    private async Task<(int Exit, string[] Lines, string Errors)> Verify(string reference)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var exit = await BpdpCli.Run(["verify", reference, "--plain-http", "--release-key", release.WritePublicKey(folder),
            "--approval-key", $"{ApprovalSigning.KeyId}={approvals.WritePublicKey(folder)}", "--scanner-key", $"{ScanSigning.KeyId}={scans.WritePublicKey(folder)}"], output, errors);
        return (exit, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), errors.ToString());
    }

    private static void AssertLines(string[] lines, params string[] starts)
    {
        Assert.Equal(starts.Length, lines.Length);
        foreach (var (line, start) in lines.Zip(starts))
        {
            Assert.StartsWith(start, line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_released_image_passes_every_check_by_tag_and_by_digest_and_its_provenance_verifies_with_openssl()
    {
        var published = await Released("1.1.0");

        var (exit, lines, errors) = await Verify($"{registry}/{Repository}:1.1.0");

        Assert.True(exit == 0, string.Join('\n', lines) + errors);
        AssertLines(lines, $"ok   release signature: verified with release key '{ReleaseSigning.KeyId}'",
            $"ok   provenance: {CosignAttestations.TagFor(published.Image.Digest)} in {registry}/{Repository} signed with release key '{ReleaseSigning.KeyId}', about {published.Image.Digest}",
            $"ok   approval: {agency}/production haz-fast 1.1.0, deployment {published.DeploymentId}, approved by jane.doe@osha.example (CHG-2026-0042)",
            "ok   policy hash: ", $"ok   scan verdict: passed, {published.Image.Digest} for deployment {published.DeploymentId}, signed with Scanner key '{ScanSigning.KeyId}'");
        Assert.Equal(0, (await Verify($"{registry}/{Repository}@{published.Image.Digest}")).Exit);

        // The auditor's recipe in docs/security.md: the DSSE envelope's signature over PAE(payloadType, payload), with openssl alone.
        var attestations = JsonNode.Parse((await Store.GetManifest(Repository, CosignAttestations.TagFor(published.Image.Digest))).Content)!;
        var layer = attestations["layers"]!.AsArray().Single(l => l!["annotations"]!["predicateType"]!.GetValue<string>() == SlsaProvenance.PredicateType)!;
        var envelope = JsonNode.Parse(await Store.GetBlob(Repository, layer["digest"]!.GetValue<string>()))!;
        var payload = Convert.FromBase64String(envelope["payload"]!.GetValue<string>());
        await File.WriteAllBytesAsync(Path.Combine(folder, "pae"), [.. Encoding.UTF8.GetBytes($"DSSEv1 28 application/vnd.in-toto+json {payload.Length} "), .. payload]);
        await File.WriteAllBytesAsync(Path.Combine(folder, "sig.der"), Convert.FromBase64String(envelope["signatures"]![0]!["sig"]!.GetValue<string>()));
        Assert.Equal("Verified OK", (await Tool.Run("openssl", "dgst", "-sha256", "-verify", release.WritePublicKey(folder), "-signature", Path.Combine(folder, "sig.der"),
            Path.Combine(folder, "pae"))).Trim());
    }

    [Fact]
    public async Task A_tag_moved_to_an_unsigned_image_fails_the_release_signature_and_the_attestations()
    {
        await Released("1.1.0");
        var yaml = Policy("1.1.0", "# not the approved policy\n");
        var unsigned = new PolicyImageBuilder().Build(PolicyValidator.Validate(yaml).Policy!, yaml, await ExecutorArtifact.Load(PublishedExecutor.Path), DateTimeOffset.UtcNow);
        await Store.PushImage(Repository, unsigned, "1.1.0");

        var (exit, lines, _) = await Verify($"{registry}/{Repository}:1.1.0");

        Assert.Equal(1, exit);
        AssertLines(lines, $"FAIL release signature: no signature tag {CosignSignature.TagFor(unsigned.Digest)} in {registry}/{Repository}",
            $"FAIL provenance: no attestation tag {CosignAttestations.TagFor(unsigned.Digest)} in {registry}/{Repository}",
            "skip approval: not checked", "skip policy hash: not checked", $"FAIL scan verdict: no attestation tag {CosignAttestations.TagFor(unsigned.Digest)}");
    }

    [Fact]
    public async Task A_signature_replaced_by_one_of_another_key_fails_the_release_signature()
    {
        var published = await Released("1.1.0");
        await CosignSignature.Push(Store, Repository, stranger, published.Image.Digest);

        var (exit, lines, _) = await Verify($"{registry}/{Repository}:1.1.0");

        Assert.Equal(1, exit);
        AssertLines(lines,
            $"FAIL release signature: {CosignSignature.TagFor(published.Image.Digest)} in {registry}/{Repository} does not verify with any trusted release key (--release-key: {ReleaseSigning.KeyId})",
            "ok   provenance: ", "ok   approval: ", "ok   policy hash: ", "ok   scan verdict: ");
    }

    [Fact]
    public async Task A_provenance_naming_another_policy_re_signed_with_an_untrusted_key_fails_the_provenance()
    {
        var published = await Released("1.1.0");
        var tag = CosignAttestations.TagFor(published.Image.Digest);
        var attestations = JsonNode.Parse((await Store.GetManifest(Repository, tag)).Content)!;
        var layer = attestations["layers"]!.AsArray().Single(l => l!["annotations"]!["predicateType"]!.GetValue<string>() == SlsaProvenance.PredicateType)!;
        var envelope = JsonNode.Parse(await Store.GetBlob(Repository, layer["digest"]!.GetValue<string>()))!;
        var statement = JsonNode.Parse(Convert.FromBase64String(envelope["payload"]!.GetValue<string>()))!;
        statement["predicate"]!["buildDefinition"]!["externalParameters"]!["policy"]!["sha256"] = new string('f', 64);
        var forged = new Blob(Dsse.EnvelopeMediaType, Dsse.Sign(Dsse.InTotoPayloadType, Encoding.UTF8.GetBytes(statement.ToJsonString()), stranger));
        await Store.PutBlob(Repository, forged);
        layer["digest"] = forged.Digest;
        layer["size"] = forged.Size;
        await Store.PutManifest(Repository, new Blob(OciMediaTypes.Manifest, Encoding.UTF8.GetBytes(attestations.ToJsonString())), tag);

        var (exit, lines, _) = await Verify($"{registry}/{Repository}:1.1.0");

        Assert.Equal(1, exit);
        AssertLines(lines, "ok   release signature: ",
            $"FAIL provenance: the envelope {forged.Digest} of {tag} in {registry}/{Repository} does not verify with any trusted release key (--release-key: {ReleaseSigning.KeyId})",
            "skip approval: ", "skip policy hash: ", "ok   scan verdict: ");
    }

    [Fact]
    public async Task Attestations_copied_from_another_release_fail_the_provenance_as_about_another_image()
    {
        var older = await Released("1.0.0");
        var current = await Released("1.1.0");
        await Store.PutManifest(Repository, await Store.GetManifest(Repository, CosignAttestations.TagFor(older.Image.Digest)), CosignAttestations.TagFor(current.Image.Digest));

        var (exit, lines, _) = await Verify($"{registry}/{Repository}:1.1.0");

        Assert.Equal(1, exit);
        AssertLines(lines, "ok   release signature: ",
            $"FAIL provenance: the statement signed in {CosignAttestations.TagFor(current.Image.Digest)} in {registry}/{Repository} is about {older.Image.Digest}, not {current.Image.Digest}",
            "skip approval: ", "skip policy hash: ", $"FAIL scan verdict: the statement signed in {CosignAttestations.TagFor(current.Image.Digest)}");
    }

    [Fact]
    public async Task A_tag_moved_to_the_release_of_another_version_fails_the_approval_naming_both_versions()
    {
        var older = await Released("1.0.0");
        await Released("1.1.0");
        await Store.PutManifest(Repository, await Store.GetManifest(Repository, older.Image.Digest), "1.1.0");

        var (exit, lines, _) = await Verify($"{registry}/{Repository}:1.1.0");

        Assert.Equal(1, exit);
        AssertLines(lines, "ok   release signature: ", "ok   provenance: ",
            $"FAIL approval: the image was approved as {agency}/production haz-fast 1.0.0 (deployment {older.DeploymentId}), not as {agency}/* haz-fast 1.1.0",
            "ok   policy hash: ", "FAIL scan verdict: the Scanner passed the image for ");
    }

    [Fact]
    public async Task A_registry_that_does_not_answer_is_an_error_not_a_verdict()
    {
        var (exit, lines, errors) = await Verify($"127.0.0.1:{FreeTcpPort.Next()}/{Repository}:1.1.0");

        Assert.Equal(2, exit);
        Assert.Empty(lines);
        Assert.StartsWith("bpdp verify: ", errors, StringComparison.Ordinal);
    }
}
