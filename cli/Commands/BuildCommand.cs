using System.CommandLine;
using Bpdp.Builder.Oci;
using Bpdp.Images;
using Bpdp.Images.Layout;
using Bpdp.Policy;

namespace Bpdp.Cli.Commands;

/// <summary><c>bpdp build</c>: the Builder's image build without the bus or an approval, into an OCI layout, like <c>docker build</c>.</summary>
internal static class BuildCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("policy") { Description = "The policy module's YAML file." };
        var output = new Option<DirectoryInfo>("--output", "-o") { Description = "The OCI image layout directory to write (created when missing).", Required = true };
        var executor = new Option<FileInfo?>("--executor") { Description = "The published executor binary (default: $BPDP_EXECUTOR_BINARY, else artifacts/executor/bpdp-executor)." };
        var created = new Option<DateTimeOffset?>("--created") { Description = "The image's creation time (default: $SOURCE_DATE_EPOCH, else the Unix epoch), so builds are reproducible." };
        var baseImage = new Option<string?>("--base")
        {
            Description = "The base image: an OCI layout directory, optionally with :ref (default ref: latest), as `bpdp base` writes it. Default: none (the executor alone).",
        };
        var command = new Command("build", "Build the policy image into an OCI image layout and print its digest.") { file, output, executor, created, baseImage };
        command.SetAction((result, cancel) => Build(
            result.GetRequiredValue(file), result.GetRequiredValue(output), result.GetValue(executor), result.GetValue(created), result.GetValue(baseImage),
            result.InvocationConfiguration.Output, result.InvocationConfiguration.Error, cancel));
        return command;
    }

    private static async Task<int> Build(FileInfo file, DirectoryInfo output, FileInfo? executor, DateTimeOffset? created, string? baseLayout,
        TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        if (!file.Exists)
        {
            await stderr.WriteLineAsync($"bpdp: {file.FullName}: no such file.");
            return 2;
        }

        var binary = executor?.FullName ?? Environment.GetEnvironmentVariable("BPDP_EXECUTOR_BINARY") ?? Path.Combine("artifacts", "executor", "bpdp-executor");
        if (!File.Exists(binary))
        {
            await stderr.WriteLineAsync($"bpdp: no executor binary at {binary}: run scripts/publish-executor.sh, or give --executor.");
            return 2;
        }

        var yaml = await File.ReadAllTextAsync(file.FullName, cancel);
        var result = PolicyValidator.Validate(yaml);
        if (result.Policy is not { } policy)
        {
            var name = Path.GetRelativePath(Environment.CurrentDirectory, file.FullName);
            foreach (var problem in result.Errors)
            {
                await stdout.WriteLineAsync($"{name}:{problem.Line}:{problem.Column}: {problem.Message}");
            }

            await stderr.WriteLineAsync($"{name}: invalid: nothing built.");
            return 1;
        }

        OciImage? baseImage = null;
        if (baseLayout is not null)
        {
            var (directory, reference) = LayoutReference.Parse(baseLayout);
            try
            {
                baseImage = await new OciLayout(directory).Pull(reference, cancel);
            }
            catch (Exception error) when (error is ImageNotFoundException or IOException or InvalidDataException)
            {
                await stderr.WriteLineAsync($"bpdp: --base {baseLayout}: {error.Message}");
                return 2;
            }
        }

        var image = new PolicyImageBuilder().Build(policy, yaml, await ExecutorArtifact.Load(binary, cancel), created ?? SourceDateEpoch.OrUnixEpoch(), baseImage);
        var version = policy.Module.Metadata.Version;
        await new OciLayout(output.FullName).Push(image, version, cancel);
        await stderr.WriteLineAsync($"built {policy.Module.Metadata.Name} {version} into {output.FullName} (ref {version}, {image.Size / 1024.0 / 1024.0:F1} MiB)");
        await stdout.WriteLineAsync(image.Digest);
        return 0;
    }
}
