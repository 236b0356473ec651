namespace Bpdp.Scanner.Secrets;

/// <summary>The YAML form of a rule file (docs/scanner.md): rules, a file-wide allow-list, and ids to disable.</summary>
public sealed class SecretRuleFile
{
    public List<RuleEntry> Rules { get; set; } = [];

    public AllowList? Allowlist { get; set; }

    /// <summary>Built-in (or earlier) rule ids this file turns off.</summary>
    public List<string> Disabled { get; set; } = [];

    public sealed class RuleEntry
    {
        public string? Id { get; set; }

        public string? Description { get; set; }

        public string? Regex { get; set; }

        public int SecretGroup { get; set; }

        public List<string> Keywords { get; set; } = [];

        public double? Entropy { get; set; }

        public string? Severity { get; set; }

        /// <summary>Reported only where no other rule matched the same text (generic rules).</summary>
        public bool Fallback { get; set; }

        public AllowList? Allowlist { get; set; }
    }

    public sealed class AllowList
    {
        /// <summary>Regexes over the file's path inside the image (no leading '/').</summary>
        public List<string> Paths { get; set; } = [];

        /// <summary>Regexes over the secret itself: a match means it is not one (a placeholder, an example).</summary>
        public List<string> Regexes { get; set; } = [];
    }
}
