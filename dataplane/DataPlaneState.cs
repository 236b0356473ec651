using Bpdp.Contracts;

namespace Bpdp.DataPlane;

/// <summary>What a data plane keeps on disk to serve the same way after a restart: every slot's ports and routes, every executor's port and process.</summary>
public sealed record DataPlaneState(IReadOnlyList<SlotState> Slots)
{
    public static readonly DataPlaneState Empty = new([]);
}

public sealed record SlotState(SlotKey Key, int LivePort, int PreviewPort, SlotRoutes Routes, IReadOnlyList<ExecutorState> Executors);

public sealed record ExecutorState(Color Color, ExecutorSpec Spec, int Port, int? ProcessId);
