using System.Text.RegularExpressions;
using Bpdp.Contracts;

namespace Bpdp.Scanner.Secrets;

/// <summary>One compiled secret rule: a keyword pre-filter, the regex, the group holding the secret, its minimum entropy and allow-list; a fallback rule yields to any other.</summary>
public sealed record SecretRule(
    string Id,
    string Description,
    Regex Pattern,
    int SecretGroup,
    IReadOnlyList<string> Keywords,
    double? Entropy,
    Severity Severity,
    IReadOnlyList<Regex> AllowedPaths,
    IReadOnlyList<Regex> AllowedSecrets,
    bool Fallback = false);
