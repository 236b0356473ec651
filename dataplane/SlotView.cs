namespace Bpdp.DataPlane;

/// <summary>One slot as the data plane serves it: its live and preview addresses, where they route, and its executors.</summary>
public sealed record SlotView(SlotKey Key, Uri LiveEndpoint, Uri PreviewEndpoint, SlotRoutes Routes, IReadOnlyList<ExecutorView> Executors);
