using System.Diagnostics;

namespace Bpdp.IntegrationTests.Images;

/// <summary>Runs a command-line tool (skopeo, umoci, openssl) and returns its output; a non-zero exit fails the test with its errors.</summary>
public static class Tool
{
    public static async Task<string> Run(string tool, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', arguments)} exited {process.ExitCode}: {await errors}");
        return await output;
    }
}
