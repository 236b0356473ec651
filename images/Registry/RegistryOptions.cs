using System.ComponentModel.DataAnnotations;

namespace Bpdp.Images.Registry;

/// <summary>The OCI registry the image store talks to (section <c>Registry</c>). Credentials come from configuration or a file, never from code.</summary>
public sealed class RegistryOptions
{
    public const string Section = "Registry";

    /// <summary>The registry's base address, e.g. <c>https://registry.example</c> or <c>http://127.0.0.1:5000</c>.</summary>
    /// <remarks>Required when <c>Images:Store</c> is <c>Registry</c>; <see cref="RegistryOptionsValidator"/> checks it at start.</remarks>
    public Uri? Url { get; set; }

    /// <summary>User for basic auth, or for the token service of a bearer-token registry; none for anonymous access.</summary>
    public string? Username { get; set; }

    /// <summary>The password itself (prefer <see cref="PasswordFile"/>, e.g. a mounted secret).</summary>
    public string? Password { get; set; }

    /// <summary>A file holding the password (trailing newline ignored).</summary>
    public string? PasswordFile { get; set; }

    /// <summary>Blobs larger than this are uploaded in chunks of this size; smaller ones in one request.</summary>
    [Range(64 * 1024, int.MaxValue)]
    public int ChunkSizeBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>How often a failed request (unreachable, 5xx, 429) is retried, with exponential backoff, before the operation fails.</summary>
    [Range(0, 20)]
    public int RetryLimit { get; set; } = 4;

    [Range(1, 60_000)]
    public int RetryMinDelayMs { get; set; } = 200;

    [Range(1, 600_000)]
    public int RetryMaxDelayMs { get; set; } = 5_000;

    [Range(1, 3600)]
    public int RequestTimeoutSeconds { get; set; } = 120;

    /// <summary>The password from <see cref="Password"/> or <see cref="PasswordFile"/>, if any.</summary>
    public string? ReadPassword() =>
        Password ?? (PasswordFile is null ? null : File.ReadAllText(PasswordFile).TrimEnd('\r', '\n'));
}
