using Bpdp.DataPlane;

// bpdp-dataplane --state-directory DIR [--listen-address 127.0.0.1]: serves the local target's proxies and
// executors, whether the Rollout runs or not. One per state directory; a second start exits at once.
var builder = WebApplication.CreateSlimBuilder([.. args, HostSettings.NoConfigReload]);
var directory = builder.Configuration["state-directory"] ?? builder.Configuration["DataPlane:StateDirectory"];
if (string.IsNullOrWhiteSpace(directory))
{
    await Console.Error.WriteLineAsync("usage: bpdp-dataplane --state-directory DIR [--listen-address 127.0.0.1]");
    return 2;
}

var files = new DataPlaneFiles(Path.GetFullPath(directory));
if (OperatingSystem.IsWindows())
{
    Directory.CreateDirectory(files.Directory);
}
else
{
    // Its owner's only: the socket in it moves traffic.
    Directory.CreateDirectory(files.Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
}
FileStream instance;
try
{
    // Held for the whole run: the operating system releases it when this process ends, however it ends.
    instance = new FileStream(files.Lock, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
}
catch (IOException)
{
    await Console.Error.WriteLineAsync($"a data plane already serves {files.Directory}");
    return 0;
}

await using (instance)
{
    File.Delete(files.Socket);
    builder.Logging.ClearProviders();
    builder.Logging.AddSimpleConsole(text =>
    {
        text.SingleLine = true;
        text.UseUtcTimestamp = true;
        text.TimestampFormat = "HH:mm:ss.fff ";
    });
    builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenUnixSocket(files.Socket));
    var app = builder.Build();
    var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Bpdp.DataPlane");
    var listenAddress = builder.Configuration["listen-address"] ?? "127.0.0.1";
    await using var plane = await HostDataPlane.Restore(listenAddress, new ProcessLauncher(files.ExecutorLogs, logger), new StateFile(files.State), logger, CancellationToken.None);
    app.Use(DataPlaneErrors.Handle);
    app.MapDataPlaneApi(plane, app.Lifetime.StopApplication);
    await app.StartAsync();
    if (!OperatingSystem.IsWindows())
    {
        File.SetUnixFileMode(files.Socket, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    logger.LogInformation("Data plane of {Directory} serving (process {Process}); control socket {Socket}", files.Directory, Environment.ProcessId, files.Socket);
    await app.WaitForShutdownAsync();
}

return 0;
