using Bpdp.Contracts;
using Bpdp.DataPlane;
using Bpdp.Rollout.BlueGreen;

namespace Bpdp.Rollout.Local;

/// <summary>One policy in one agency's environment as the data plane serves it now: its executors by color, and which of them its addresses route to.</summary>
public sealed record LocalSlot(SlotView View)
{
    public ExecutorView? Of(Color color) => View.Executors.FirstOrDefault(e => e.Color == color);

    /// <summary>The color serving live traffic, if any.</summary>
    public Color? LiveColor => ColorAt(View.Routes.Live);

    public Color? PreviewColor => ColorAt(View.Routes.Preview);

    public IEnumerable<Uri> Addresses => View.Executors.Select(e => e.Address);

    /// <summary>The slots as the plan reads them: every executor the data plane runs was ready when it was added (or is waited for again when reused).</summary>
    public PolicySlots Observed() => new(Slot(Color.Blue), Slot(Color.Green), LiveColor)
    {
        Preview = PreviewColor,
        Previous = new PreviousLive(View.Routes.Previous),
    };

    private Color? ColorAt(Uri? destination) => destination is null ? null : View.Executors.FirstOrDefault(e => e.Address == destination)?.Color;

    private ColorSlot? Slot(Color color) =>
        Of(color) is { } executor ? new ColorSlot(executor.DeploymentId.ToString(), executor.Digest, executor.DeployedAt, Running: true, Ready: true) : null;
}
