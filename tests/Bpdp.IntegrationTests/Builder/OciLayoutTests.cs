using System.Text.Json.Nodes;
using Bpdp.Builder.Oci;
using Bpdp.Images;
using Bpdp.Images.Layout;
using Bpdp.IntegrationTests.Images;
using Bpdp.Policy;
using Bpdp.Testing;

namespace Bpdp.IntegrationTests.Builder;

/// <summary>Real image tools accept the OCI layout the Builder writes, and `bpdp build` in another process gives the same digest.</summary>
public sealed class OciLayoutTests
{
    [Fact]
    public async Task Skopeo_and_umoci_read_the_image_and_bpdp_build_in_another_process_gives_the_same_digest()
    {
        var policyFile = Path.Combine(RepositoryRoot.Path, "examples", "haz-fast", "v1.1.0.yaml");
        var yaml = await File.ReadAllTextAsync(policyFile);
        var layout = Directory.CreateTempSubdirectory("bpdp-oci-").FullName;
        var image = new PolicyImageBuilder().Build(PolicyValidator.Validate(yaml).Policy!, yaml, await ExecutorArtifact.Load(PublishedExecutor.Path), DateTimeOffset.UnixEpoch);
        await new OciLayout(layout).Push(image, "1.1.0");

        var inspected = JsonNode.Parse(await Tool.Run("skopeo", "inspect", $"oci:{layout}:1.1.0"))!;
        Assert.Equal(image.Digest, inspected["Digest"]!.GetValue<string>());
        Assert.Equal("1.1.0", inspected["Labels"]!["org.opencontainers.image.version"]!.GetValue<string>());

        var bundle = Path.Combine(Directory.CreateTempSubdirectory("bpdp-bundle-").FullName, "bundle");
        await Tool.Run("umoci", "unpack", "--image", $"{layout}:1.1.0", bundle);
        Assert.Equal(yaml, await File.ReadAllTextAsync(Path.Combine(bundle, "rootfs", "policy", "policy.yaml")));
        var executor = new FileInfo(Path.Combine(bundle, "rootfs", "usr", "local", "bin", "bpdp-executor"));
        Assert.Equal(new FileInfo(PublishedExecutor.Path).Length, executor.Length);
        Assert.True(executor.UnixFileMode.HasFlag(UnixFileMode.OtherExecute));
        var runtime = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(bundle, "config.json")))!;
        Assert.Equal(65532, runtime["process"]!["user"]!["uid"]!.GetValue<int>());

        var otherLayout = Directory.CreateTempSubdirectory("bpdp-oci-cli-").FullName;
        var printed = await Tool.Run("dotnet", Path.Combine(AppContext.BaseDirectory, "bpdp.dll"), "build", policyFile, "--output", otherLayout, "--executor", PublishedExecutor.Path);
        Assert.Equal(image.Digest, printed.Trim());
        Assert.Equal(await File.ReadAllBytesAsync(new OciLayout(layout).BlobPath(image.Digest)), await File.ReadAllBytesAsync(new OciLayout(otherLayout).BlobPath(image.Digest)));
    }
}
