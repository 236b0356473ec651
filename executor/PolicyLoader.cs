using Bpdp.Policy;
using Microsoft.Extensions.Options;

namespace Bpdp.Executor;

/// <summary>
/// Loads and compiles the policy after the server has started, so probes can watch it become ready.
/// A file that is not there yet is looked for again; an invalid policy is reported, error by error,
/// and the executor stays not ready rather than serving it.
/// </summary>
internal sealed partial class PolicyLoader(ServedPolicy state, ExecutorMetrics metrics, IOptions<ExecutorOptions> options, ILogger<PolicyLoader> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var path = options.Value.PolicyPath;
        while (!File.Exists(path))
        {
            state.NotLoaded($"the policy file {path} does not exist (yet); set BPDP_POLICY to the policy's path", []);
            LogWaiting(path);
            await Task.Delay(options.Value.RetryInterval, stoppingToken);
        }

        var yaml = await File.ReadAllTextAsync(path, stoppingToken);
        var result = PolicyValidator.Validate(yaml);
        if (result.Policy is { } policy)
        {
            metrics.Serving(policy.Module.Metadata.Name, policy.Module.Metadata.Version, options.Value.Color);
            state.Loaded(policy, yaml);
            LogReady(policy.Module.Metadata.Name, policy.Module.Metadata.Version, policy.Sha256, options.Value.Color);
            return;
        }

        state.NotLoaded($"the policy {path} is invalid ({result.Errors.Count} errors)", result.Errors);
        foreach (var error in result.Errors)
        {
            LogInvalid(path, error.Line, error.Column, error.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waiting for the policy file {Path}")]
    private partial void LogWaiting(string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Policy {Name} {Version} (sha256 {Sha256}) compiled; serving as {Color}")]
    private partial void LogReady(string name, string version, string sha256, string color);

    [LoggerMessage(Level = LogLevel.Error, Message = "Policy invalid: {Path}:{Line}:{Column}: {Message}")]
    private partial void LogInvalid(string path, int line, int column, string message);
}
