using Bpdp.Contracts;

namespace Bpdp.DataPlane;

/// <summary>One executor to start: for which slot and color, what it runs, and where it listens.</summary>
public sealed record ExecutorLaunch(SlotKey Slot, Color Color, ExecutorSpec Spec, string ListenAddress, int Port)
{
    public Uri Address => new($"http://{ListenAddress}:{Port}/");
}
