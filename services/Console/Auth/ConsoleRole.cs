namespace Bpdp.WebConsole.Auth;

/// <summary>What a signed-in person may do.</summary>
public enum ConsoleRole
{
    /// <summary>Read every page; no action.</summary>
    Viewer,

    /// <summary>Read, and abort or promote the deployments of their agencies.</summary>
    Operator,
}
