namespace Bpdp.UnitTests.Hostile;

/// <summary>
/// The fuzz campaign's size per family, in one place so docs/security.md can state the total: every input is generated
/// from a fixed seed, must be refused with a specific reason within its bound, and each family ends with a valid input
/// that must still be handled.
/// </summary>
internal static class Campaign
{
    public const int Approvals = 2000;
    public const int MessageBodies = 1500;
    public const int EvaluateRequests = 2000;
    public const int TarLayers = 2000;
    public const int Layouts = 1000;
    public const int RegistryResponses = 1000;

    /// <summary>The generated malformed policies and cases of <c>PolicyFuzzTests</c>, counted with the campaign.</summary>
    public const int MalformedPolicies = 2000;

    public const int Total = Approvals + MessageBodies + EvaluateRequests + TarLayers + Layouts + RegistryResponses + MalformedPolicies;

    /// <summary>How long any one input may take before it counts as a hang.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
}
