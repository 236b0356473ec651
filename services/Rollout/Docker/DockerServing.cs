using Bpdp.DataPlane;

namespace Bpdp.Rollout.Docker;

/// <summary>One policy's proxy on the data plane, as it serves now: its stable addresses and where they route.</summary>
public sealed class DockerServing(IDataPlane plane, SlotKey key, SlotView view)
{
    public Uri LiveEndpoint { get; } = view.LiveEndpoint;

    public Uri PreviewEndpoint { get; } = view.PreviewEndpoint;

    public SlotRoutes Routes { get; private set; } = view.Routes;

    public async Task Route(SlotRoutes routes, CancellationToken cancel)
    {
        if (routes != Routes)
        {
            Routes = (await plane.Route(key, routes, cancel)).Routes;
        }
    }
}
