namespace Bpdp.Scanner.Gate;

/// <summary>An accepted finding: which rule or advisory (id or alias), optionally in which file, why, and until when.</summary>
public sealed record IgnoreEntry(string Id, string? Path, string Reason, DateOnly Expires);
