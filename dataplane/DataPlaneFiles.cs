namespace Bpdp.DataPlane;

/// <summary>The files of a data plane in its state directory: its control socket, its state, its single-instance lock, its executors' logs.</summary>
public sealed record DataPlaneFiles(string Directory)
{
    public string Socket => Path.Combine(Directory, "dataplane.sock");

    public string State => Path.Combine(Directory, "dataplane.json");

    public string Lock => Path.Combine(Directory, "dataplane.lock");

    public string Log => Path.Combine(Directory, "dataplane.log");

    public string ExecutorLogs => Path.Combine(Directory, "logs");
}
