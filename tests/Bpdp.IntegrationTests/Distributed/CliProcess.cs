using System.Diagnostics;

namespace Bpdp.IntegrationTests.Distributed;

/// <summary>The <c>bpdp</c> CLI run as its own process, with settings as environment variables.</summary>
public static class CliProcess
{
    public static async Task<(int Exit, string Output, string Errors)> Run(IReadOnlyDictionary<string, string?> settings, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "bpdp.dll"), .. arguments]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bpdp {string.Join(' ', arguments)} did not exit within 5 minutes:\n{await output}\n{await errors}");
        }

        return (process.ExitCode, await output, await errors);
    }
}
