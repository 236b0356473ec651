using Bpdp.Contracts;
using Bpdp.Rollout.BlueGreen;

namespace Bpdp.UnitTests.Rollout;

/// <summary>The blue-green plan as a truth table: for each situation a target can observe, the exact decision.</summary>
public sealed class BlueGreenPlanTests
{
    private const string Image = "sha256:new";
    private static readonly Guid This = Guid.Parse("11111111-1111-1111-1111-111111111111");
    private static readonly Guid Another = Guid.Parse("22222222-2222-2222-2222-222222222222");
    private static readonly DateTimeOffset Before = new(2026, 1, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset At = Before.AddMinutes(5);
    private static readonly DateTimeOffset After = At.AddMinutes(5);

    private static readonly Dictionary<string, (PolicySlots Observed, DeployDecision Expected)> Deploys = new()
    {
        ["nothing is live: blue is created and previewed"] =
            (new(null, null, null), new(Color.Blue, DeployAction.Create, PointsPreview: true)),
        ["blue is live: green is created and previewed"] =
            (new(Slot(Another, Before), null, Color.Blue), new(Color.Green, DeployAction.Create, PointsPreview: true)),
        ["green is live and blue empty: blue is created and previewed"] =
            (new(null, Slot(Another, Before), Color.Green), new(Color.Blue, DeployAction.Create, PointsPreview: true)),
        ["a redelivery before the cutover reuses its color and previews it again"] =
            (new(Slot(Another, Before), Slot(This, At), Color.Blue), new(Color.Green, DeployAction.Reuse, PointsPreview: true)),
        ["a redelivery after the cutover reuses the live color, keeps the warm one and leaves the preview"] =
            (new(Slot(Another, Before), Slot(This, At), Color.Green), new(Color.Green, DeployAction.Reuse, PointsPreview: false)),
        ["another deployment in the idle color is replaced"] =
            (new(Slot(Another, Before), Slot(Another, Before), Color.Blue), new(Color.Green, DeployAction.Replace, PointsPreview: true)),
        ["its own slot with another image is not reused: the idle color is replaced"] =
            (new(Slot(Another, Before), Slot(This, At, image: "sha256:old"), Color.Blue), new(Color.Green, DeployAction.Replace, PointsPreview: true)),
        ["its own idle slot that stopped running is replaced"] =
            (new(Slot(Another, Before), Slot(This, At, running: false), Color.Blue), new(Color.Green, DeployAction.Replace, PointsPreview: true)),
        ["its own live slot that stopped running stays: the warm color is replaced"] =
            (new(Slot(Another, Before), Slot(This, At, running: false), Color.Green), new(Color.Blue, DeployAction.Replace, PointsPreview: true)),
    };

    private static readonly Dictionary<string, (PolicySlots Observed, RollBackDecision Expected)> RollBacks = new()
    {
        ["before the cutover live stays and its color and preview go"] =
            (new(Slot(Another, Before), Slot(This, At), Color.Blue) { Preview = Color.Green },
                new(Color.Green, MovesLive: false, Live: Color.Blue, Removes: Color.Green, ClearsPreview: true)),
        ["after the cutover live goes back to the warm other color"] =
            (new(Slot(Another, Before), Slot(This, At), Color.Green) { Preview = Color.Green },
                new(Color.Green, MovesLive: true, Live: Color.Blue, Removes: Color.Green, ClearsPreview: true)),
        ["after the cutover with the other color unable to take traffic nothing serves"] =
            (new(Slot(Another, Before, ready: false), Slot(This, At), Color.Green),
                new(Color.Green, MovesLive: true, Live: null, Removes: Color.Green, ClearsPreview: true)),
        ["a first deployment rolled back after its cutover leaves nothing serving"] =
            (new(Slot(This, At), null, Color.Blue) { Preview = Color.Blue },
                new(Color.Blue, MovesLive: true, Live: null, Removes: Color.Blue, ClearsPreview: true)),
        ["a target that remembers the previous color sends live back to it"] =
            (new(Slot(Another, Before), Slot(This, At), Color.Green) { Previous = new PreviousLive(Color.Blue) },
                new(Color.Green, MovesLive: true, Live: Color.Blue, Removes: Color.Green, ClearsPreview: true)),
        ["a target that remembers no previous color leaves nothing serving even with the other color warm"] =
            (new(Slot(Another, Before), Slot(This, At), Color.Green) { Previous = new PreviousLive(null) },
                new(Color.Green, MovesLive: true, Live: null, Removes: Color.Green, ClearsPreview: true)),
        ["a redelivered rollback finds nothing of its own and removes only the empty idle color"] =
            (new(Slot(Another, Before), null, Color.Blue),
                new(Color.Green, MovesLive: false, Live: Color.Blue, Removes: Color.Green, ClearsPreview: true)),
        ["another deployment in the idle color is never removed and keeps its preview"] =
            (new(Slot(Another, Before), Slot(Another, After), Color.Blue) { Preview = Color.Green },
                new(Color.Green, MovesLive: false, Live: Color.Blue, Removes: null, ClearsPreview: false)),
        ["a slot in the idle color carrying no deployment id is removed"] =
            (new(Slot(Another, Before), Slot(null, After), Color.Blue),
                new(Color.Green, MovesLive: false, Live: Color.Blue, Removes: Color.Green, ClearsPreview: true)),
        ["a preview showing the other color stays"] =
            (new(Slot(Another, Before), Slot(This, At), Color.Blue) { Preview = Color.Blue },
                new(Color.Green, MovesLive: false, Live: Color.Blue, Removes: Color.Green, ClearsPreview: false)),
        ["with nothing live and nothing deployed only blue's empty slot is removed"] =
            (new(null, null, null),
                new(Color.Blue, MovesLive: false, Live: null, Removes: Color.Blue, ClearsPreview: true)),
    };

    private static readonly Dictionary<string, (PolicySlots Observed, FinalizeDecision Expected)> Finalizes = new()
    {
        ["still live with the other color older: the other retires and the preview of the live one goes"] =
            (new(Slot(Another, Before), Slot(This, At), Color.Green) { Preview = Color.Green },
                new(Color.Green, StillLive: true, ClearsPreview: true, Retires: Color.Blue)),
        ["overtaken by a newer deployment in the other color: it and its preview stay"] =
            (new(Slot(Another, After), Slot(This, At), Color.Green) { Preview = Color.Blue },
                new(Color.Green, StillLive: true, ClearsPreview: false, Retires: null)),
        ["the other color deployed at the same moment does not retire"] =
            (new(Slot(Another, At), Slot(This, At), Color.Green),
                new(Color.Green, StillLive: true, ClearsPreview: false, Retires: null)),
        ["the other color that is its own does not retire"] =
            (new(Slot(This, Before), Slot(This, At), Color.Green),
                new(Color.Green, StillLive: true, ClearsPreview: false, Retires: null)),
        ["a first deployment has nothing to retire"] =
            (new(Slot(This, At), null, Color.Blue) { Preview = Color.Blue },
                new(Color.Blue, StillLive: true, ClearsPreview: true, Retires: null)),
        ["no longer live: nothing retires and another's preview stays"] =
            (new(Slot(Another, Before), Slot(This, At), Color.Blue) { Preview = Color.Blue },
                new(Color.Green, StillLive: false, ClearsPreview: false, Retires: null)),
        ["no longer live but still previewed: its preview goes and nothing retires"] =
            (new(Slot(Another, Before), Slot(This, At), Color.Blue) { Preview = Color.Green },
                new(Color.Green, StillLive: false, ClearsPreview: true, Retires: null)),
        ["no slot carries the deployment: nothing to finalize"] =
            (new(Slot(Another, Before), null, Color.Blue) { Preview = Color.Blue },
                new(null, StillLive: false, ClearsPreview: false, Retires: null)),
        ["nothing live: nothing to finalize"] =
            (new(null, null, null),
                new(null, StillLive: false, ClearsPreview: false, Retires: null)),
    };

    public static TheoryData<string> DeploySituations() => [.. Deploys.Keys];

    public static TheoryData<string> RollBackSituations() => [.. RollBacks.Keys];

    public static TheoryData<string> FinalizeSituations() => [.. Finalizes.Keys];

    [Theory]
    [InlineData(Color.Blue, Color.Green)]
    [InlineData(Color.Green, Color.Blue)]
    public void The_other_color_is_the_one_it_is_not(Color color, Color other) => Assert.Equal(other, BlueGreenPlan.Other(color));

    [Theory]
    [InlineData(null, Color.Blue)]
    [InlineData(Color.Blue, Color.Green)]
    [InlineData(Color.Green, Color.Blue)]
    public void The_idle_color_is_the_one_not_live_and_blue_when_nothing_is(Color? live, Color idle) => Assert.Equal(idle, BlueGreenPlan.Idle(live));

    [Theory]
    [MemberData(nameof(DeploySituations))]
    public void DeployGreen_places_the_new_version_as_the_situation_requires(string situation)
    {
        var (observed, expected) = Deploys[situation];

        Assert.Equal(expected, BlueGreenPlan.DeployGreen(observed, This, Image));
    }

    [Theory]
    [MemberData(nameof(RollBackSituations))]
    public void RollBack_moves_live_and_removes_only_what_is_the_deployments(string situation)
    {
        var (observed, expected) = RollBacks[situation];

        Assert.Equal(expected, BlueGreenPlan.RollBack(observed, This));
    }

    [Theory]
    [MemberData(nameof(FinalizeSituations))]
    public void Finalize_retires_only_an_older_color_while_the_deployment_is_live(string situation)
    {
        var (observed, expected) = Finalizes[situation];

        Assert.Equal(expected, BlueGreenPlan.Finalize(observed, This));
    }

    private static ColorSlot Slot(Guid? deployment, DateTimeOffset deployedAt, string image = Image, bool running = true, bool ready = true) =>
        new(deployment?.ToString(), image, deployedAt, running, ready);
}
