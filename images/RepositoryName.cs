using System.Text.RegularExpressions;

namespace Bpdp.Images;

/// <summary>The distribution spec's repository name grammar: lowercase path components separated by '/'.</summary>
public static partial class RepositoryName
{
    public static string Validate(string repository) =>
        repository is { Length: > 0 and <= 255 } && Grammar().IsMatch(repository)
            ? repository
            : throw new ArgumentException($"'{repository}' is not a repository name (lowercase letters, digits and . _ - separators, components joined by '/').", nameof(repository));

    [GeneratedRegex("^[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*$")]
    private static partial Regex Grammar();
}
