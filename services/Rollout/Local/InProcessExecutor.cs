using Bpdp.DataPlane;

namespace Bpdp.Rollout.Local;

/// <summary>The executor library hosted in this process: it ends with the process.</summary>
public sealed class InProcessExecutor(WebApplication app, Uri address) : IRunningExecutor
{
    public Uri Address { get; } = address;

    public int? ProcessId => null;

    public event Action? Restarted
    {
        add { }
        remove { }
    }

    public void Release()
    {
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
