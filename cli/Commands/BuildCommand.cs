using System.CommandLine;
using System.Globalization;
using Bpdp.Builder.Oci;
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
        var command = new Command("build", "Build the policy image into an OCI image layout and print its digest.") { file, output, executor, created };
        command.SetAction((result, cancel) => Build(
            result.GetRequiredValue(file), result.GetRequiredValue(output), result.GetValue(executor), result.GetValue(created),
            result.InvocationConfiguration.Output, result.InvocationConfiguration.Error, cancel));
        return command;
    }

    private static async Task<int> Build(FileInfo file, DirectoryInfo output, FileInfo? executor, DateTimeOffset? created, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
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

        var image = new PolicyImageBuilder().Build(policy, yaml, await ExecutorArtifact.Load(binary, cancel), created ?? SourceDateEpoch(), $"file:{file.Name}");
        var store = new OciLayoutStore(output.FullName);
        var reference = policy.Module.Metadata.Version;
        await store.Put(image, reference, cancel);
        await stderr.WriteLineAsync($"built {policy.Module.Metadata.Name} {reference} into {output.FullName} (ref {reference}, {image.Size / 1024.0 / 1024.0:F1} MiB)");
        await stdout.WriteLineAsync(image.Digest);
        return 0;
    }

    private static DateTimeOffset SourceDateEpoch() =>
        long.TryParse(Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : DateTimeOffset.UnixEpoch;
}
