namespace Bpdp.DataPlane;

/// <summary>One executor of one color, listening at <see cref="Address"/>. Disposing it stops it.</summary>
public interface IRunningExecutor : IAsyncDisposable
{
    Uri Address { get; }

    /// <summary>Its operating-system process, when it runs as one.</summary>
    int? ProcessId { get; }

    /// <summary>Lets go of it without stopping it: it goes on serving, for whoever adopts it next.</summary>
    void Release();

    /// <summary>Raised when it was started again under a new process, so that whoever keeps its process id can write it down.</summary>
    event Action? Restarted;
}
