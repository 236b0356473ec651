using System.Diagnostics;
using Bpdp.DataPlane;

namespace Bpdp.Rollout.Local;

/// <summary>
/// Starts <c>bpdp-dataplane</c> (shipped beside this service) for a state directory: in a session of its own,
/// its output in a file, with none of this service's environment but what the .NET host needs — so neither a
/// signal to the Rollout nor its credentials reach it, and it goes on serving when the Rollout ends.
/// </summary>
public static class DataPlaneProcess
{
    private static readonly string[] Kept = ["PATH", "HOME", "TMPDIR", "DOTNET_ROOT", "LANG"];

    public static void Start(DataPlaneFiles files, string listenAddress)
    {
        ArgumentNullException.ThrowIfNull(files);
        var assembly = Path.Combine(AppContext.BaseDirectory, "bpdp-dataplane.dll");
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException("bpdp-dataplane.dll is not beside the Rollout; it is part of its build output.", assembly);
        }

        if (!OperatingSystem.IsWindows())
        {
            // Its owner's only: the socket in it moves traffic.
            Directory.CreateDirectory(files.Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var host = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var start = new ProcessStartInfo("/bin/sh", ["-c", "exec setsid \"$0\" \"$@\" >>\"$LOG\" 2>&1 </dev/null", host, assembly,
            "--state-directory", files.Directory, "--listen-address", listenAddress]) { WorkingDirectory = files.Directory };
        var environment = start.Environment.Where(e => Kept.Contains(e.Key, StringComparer.Ordinal)).ToList();
        start.Environment.Clear();
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        start.Environment["LOG"] = files.Log;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{assembly} did not start");
    }
}
