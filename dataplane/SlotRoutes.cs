using Bpdp.Contracts;

namespace Bpdp.DataPlane;

/// <summary>
/// Where a slot's two stable addresses send traffic (null: nothing serves, 503), and the color that was live
/// before the last cutover, kept so a restarted control plane can still roll back to it.
/// </summary>
public sealed record SlotRoutes(Uri? Live, Uri? Preview, Color? Previous)
{
    public static readonly SlotRoutes None = new(null, null, null);
}
