using Bpdp.Contracts;

namespace Bpdp.DataPlane;

/// <summary>
/// What serves users on one host: per slot, a proxy on two stable ports (live and preview) and the executors
/// of each color. The Rollout drives it; it keeps serving whether or not the Rollout runs.
/// </summary>
public interface IDataPlane
{
    /// <summary>The slot, created (its ports chosen, nothing routed) when it does not exist yet.</summary>
    Task<SlotView> Open(SlotKey key, CancellationToken cancel);

    /// <summary>Starts an executor of <paramref name="color"/>, replacing the one of that color, and returns at once: readiness is the caller's to wait for.</summary>
    Task<ExecutorView> Run(SlotKey key, Color color, ExecutorSpec spec, CancellationToken cancel);

    /// <summary>Stops the executor of <paramref name="color"/>, if any.</summary>
    Task Stop(SlotKey key, Color color, CancellationToken cancel);

    /// <summary>Points the slot's addresses at new destinations; a request already forwarded finishes where it went.</summary>
    Task<SlotView> Route(SlotKey key, SlotRoutes routes, CancellationToken cancel);

    /// <summary>Every slot it serves.</summary>
    Task<IReadOnlyList<SlotView>> Slots(CancellationToken cancel);
}
