using Bpdp.Cli;
using Bpdp.Contracts;
using Bpdp.Images.Layout;
using Bpdp.Testing;

namespace Bpdp.UnitTests.Cli;

/// <summary><c>bpdp verify --workdir</c> on a demo-style folder (images/ and keys/), and the usage errors that are exit 2, never a verdict.</summary>
public sealed class VerifyCommandTests : IDisposable
{
    private static readonly DeploymentTarget V110 = new("osha", "demo", "haz-fast", "1.1.0");
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-verify-cli-").FullName;
    private readonly ReleaseSigning release = new();

    public void Dispose()
    {
        release.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    private OciLayoutImageStore Store => new(Path.Combine(folder, "images"));

    private string[] Keys => ["--release-key", release.WritePublicKey(Directory.CreateDirectory(Path.Combine(folder, "keys")).FullName),
        "--approval-key", $"{ApprovalSigning.KeyId}={release.Approvals.WritePublicKey(folder)}", "--scanner-key", $"{ScanSigning.KeyId}={release.Scans.WritePublicKey(folder)}"];

    private async Task<Guid> Release(DeploymentTarget target)
    {
        var id = Guid.NewGuid();
        var image = await release.Release(Store, await ReleaseSigning.PushImage(Store, "osha/haz-fast", target), target, id);
        await Store.PutManifest("osha/haz-fast", await Store.GetManifest("osha/haz-fast", image.Digest), target.PolicyVersion);
        return id;
    }

    private static async Task<(int Exit, string Output, string Errors)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var exit = await BpdpCli.Run(args, output, errors);
        return (exit, output.ToString(), errors.ToString());
    }

    [Fact]
    public async Task A_release_in_a_workdir_passes_every_check_one_line_each()
    {
        var id = await Release(V110);

        var (exit, output, _) = await Run(["verify", "--workdir", folder, "osha/haz-fast:1.1.0", .. Keys]);

        Assert.Equal(0, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["ok   release signature", "ok   provenance", "ok   approval", "ok   policy hash", "ok   scan verdict"], lines.Select(l => l[..l.IndexOf(':', StringComparison.Ordinal)]));
        Assert.Contains($"deployment {id}", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tag_naming_the_release_of_another_version_fails_the_approval_and_exits_1()
    {
        await Release(V110 with { PolicyVersion = "1.0.0" });
        var older = await Store.GetManifest("osha/haz-fast", "1.0.0");
        await Store.PutManifest("osha/haz-fast", older, "1.1.0");

        var (exit, output, _) = await Run(["verify", "--workdir", folder, "osha/haz-fast:1.1.0", .. Keys]);

        Assert.Equal(1, exit);
        Assert.Contains("FAIL approval: the image was approved as osha/demo haz-fast 1.0.0", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pinning_another_environment_fails_the_approval()
    {
        await Release(V110);

        var (exit, output, _) = await Run(["verify", "--workdir", folder, "osha/haz-fast:1.1.0", "--environment", "production", .. Keys]);

        Assert.Equal(1, exit);
        Assert.Contains("FAIL approval: the image was approved as osha/demo haz-fast 1.1.0", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("approvals-test", "bpdp verify: --approval-key 'approvals-test' is not ID=FILE.")]
    [InlineData(null, "bpdp verify: give --release-key (or --workdir, whose keys/ holds the demo's public keys).")]
    public async Task Keys_given_wrongly_are_a_usage_error(string? approvalKey, string error)
    {
        string[] args = approvalKey is null
            ? ["verify", "registry.example.gov/osha/haz-fast:1.1.0"]
            : ["verify", "registry.example.gov/osha/haz-fast:1.1.0", "--release-key", release.WritePublicKey(folder), "--approval-key", approvalKey];

        var (exit, output, errors) = await Run(args);

        Assert.Equal((2, "", error), (exit, output, errors.Trim()));
    }

    [Fact]
    public async Task An_unknown_option_is_a_usage_error_not_a_failed_check()
    {
        var (exit, _, errors) = await Run("verify", "registry.example.gov/osha/haz-fast:1.1.0", "--relase-key", "x");

        Assert.Equal(2, exit);
        Assert.StartsWith("bpdp verify: ", errors, StringComparison.Ordinal);
    }
}
