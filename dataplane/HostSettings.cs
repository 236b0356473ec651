namespace Bpdp.DataPlane;

/// <summary>Settings every web host of the data plane starts with.</summary>
internal static class HostSettings
{
    /// <summary>
    /// No host here reloads its configuration, and a host that may would watch its content root: one inotify instance
    /// per slot, of the 128 a user has by default, so the 100th target's slot could not start.
    /// </summary>
    public const string NoConfigReload = "--hostBuilder:reloadConfigOnChange=false";
}
