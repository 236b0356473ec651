namespace Bpdp.Rollout.Local;

/// <summary>Configuration section <c>Rollout:DataPlane</c>: the process that serves the local target's proxies and executors.</summary>
public sealed class DataPlaneOptions
{
    /// <summary><c>Rollout:DataPlane:StateDirectory</c>: its socket, state and logs; <c>&lt;WorkDirectory&gt;/dataplane</c> when empty.</summary>
    public string? StateDirectory { get; set; }

    /// <summary><c>Rollout:DataPlane:Start</c>: start <c>bpdp-dataplane</c> when none answers (default); false where a supervisor runs it.</summary>
    public bool Start { get; set; } = true;

    /// <summary><c>Rollout:DataPlane:StopWithRollout</c>: stop it, and everything it serves, when the Rollout stops (the all-in-one host); by default it outlives the Rollout.</summary>
    public bool StopWithRollout { get; set; }
}
