namespace Bpdp.Contracts;

/// <summary>One scan finding. It never carries a secret's value: <paramref name="Excerpt"/> is redacted.</summary>
/// <param name="RuleId">The rule that matched, e.g. <c>aws-access-key-id</c>, <c>policy-lint</c> or an OSV id.</param>
/// <param name="Category">What kind of finding: <c>secret</c>, <c>lint</c> or <c>vulnerability</c>.</param>
/// <param name="Severity">How serious it is.</param>
/// <param name="Message">What was found and how to fix it.</param>
/// <param name="LayerDigest">The layer holding the file, when the finding is in a file.</param>
/// <param name="Path">The file's path inside the image.</param>
/// <param name="Line">The 1-based line of the finding, when it has one.</param>
/// <param name="Excerpt">The line with the sensitive part replaced by <c>*****</c>.</param>
public sealed record ScanFinding(
    string RuleId,
    string Category,
    Severity Severity,
    string Message,
    string? LayerDigest = null,
    string? Path = null,
    int? Line = null,
    string? Excerpt = null);
