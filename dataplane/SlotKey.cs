namespace Bpdp.DataPlane;

/// <summary>One policy in one agency's environment: what a proxy serves and its executors belong to.</summary>
public sealed record SlotKey(string Agency, string Environment, string Policy)
{
    public override string ToString() => $"{Agency}/{Environment}/{Policy}";
}
