using System.CommandLine;
using Bpdp.Policy;

namespace Bpdp.Cli.Commands;

/// <summary><c>bpdp policy …</c>: work on policy artifacts before asking for approval.</summary>
internal static class PolicyCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "The policy module's YAML file." };
        var hosts = new Option<string[]>("--web-metric-hosts")
        {
            Description = "Also check that every web metric reads one of these hosts, as the Builder does with KpiGate:WebMetricHosts.",
            AllowMultipleArgumentsPerToken = true,
        };
        var validate = new Command("validate", "Check a policy module: structure, conditions, types, unreachable rules and samples. Exit code 1 when invalid.")
        {
            file,
            hosts,
        };
        validate.SetAction(result => Validate(result.GetRequiredValue(file), result.GetValue(hosts), result.InvocationConfiguration.Output, result.InvocationConfiguration.Error));

        return new Command("policy", "Validate policy modules.") { validate };
    }

    /// <summary>Prints every error as <c>file:line:column: message</c> (the compiler convention editors understand).</summary>
    private static int Validate(FileInfo file, string[]? webMetricHosts, TextWriter output, TextWriter error)
    {
        if (!file.Exists)
        {
            error.WriteLine($"bpdp: {file.FullName}: no such file.");
            return 2;
        }

        var name = Path.GetRelativePath(Environment.CurrentDirectory, file.FullName);
        var result = PolicyValidator.Validate(File.ReadAllText(file.FullName));
        if (result.Policy is { } valid && webMetricHosts is { Length: > 0 } && PolicyValidator.WebMetricHostProblems(valid.Module, webMetricHosts) is { Count: > 0 } problems)
        {
            result = new PolicyValidationResult(null, problems);
        }

        if (result.Policy is { } policy)
        {
            var module = policy.Module;
            output.WriteLine($"{name}: valid: {module.Metadata.Name} {module.Metadata.Version} ({module.Metadata.Agency}), {module.Inputs.Count} inputs, {module.Rules.Count} rules, " +
                $"{module.Samples.Count} samples passed{(module.Deploy.Metrics.Count > 0 ? $", {module.Deploy.Metrics.Count} agency metrics" : "")}, sha256 {policy.Sha256}");
            return 0;
        }

        foreach (var problem in result.Errors)
        {
            output.WriteLine($"{name}:{problem.Line}:{problem.Column}: {problem.Message}");
        }

        error.WriteLine($"{name}: invalid: {result.Errors.Count} error{(result.Errors.Count == 1 ? "" : "s")}.");
        return 1;
    }
}
