using Bpdp.Contracts;

namespace Bpdp.Scanner.Gate;

/// <summary>A finding and what the gate made of it.</summary>
public sealed record GatedFinding(ScanFinding Finding, bool Blocking, IgnoreEntry? IgnoredBy, IgnoreEntry? ExpiredIgnore);
