namespace Bpdp.Platform.Bus.Identity;

/// <summary>
/// Configuration section <c>Bus:Senders</c>: the RabbitMQ user (or users, comma-separated) each identity
/// publishes as, e.g. <c>Bus:Senders:Builder=bpdp-builder</c>. An identity left out is the user
/// <c>bpdp-&lt;identity&gt;</c> that <c>bpdp broker users</c> creates.
/// </summary>
public sealed class SenderOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string Section = "Bus:Senders";

    /// <summary>The configured users by identity; read through <see cref="UsersOf"/>.</summary>
    public Dictionary<BusIdentity, string> Users { get; } = [];

    /// <summary>The broker user an identity gets when none is configured.</summary>
    public static string DefaultUser(BusIdentity identity) => UserName("bpdp-", identity);

    /// <summary>An identity's user name under a prefix: <c>&lt;prefix&gt;builder</c>, <c>&lt;prefix&gt;kpi-gate</c>, ….</summary>
    public static string UserName(string prefix, BusIdentity identity) => prefix + identity.Kebab();

    /// <summary>The users that publish as <paramref name="identity"/>.</summary>
    public IReadOnlySet<string> UsersOf(BusIdentity identity) =>
        Users.TryGetValue(identity, out var users) && !string.IsNullOrWhiteSpace(users)
            ? users.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>(StringComparer.Ordinal) { DefaultUser(identity) };

    /// <summary>The identities a user publishes as.</summary>
    public IReadOnlyList<BusIdentity> IdentitiesOf(string user) =>
        Enum.GetValues<BusIdentity>().Where(identity => UsersOf(identity).Contains(user)).ToList();

    /// <summary>The settings that make one broker user every identity: one process, or one test, that plays them all.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> AllAs(string user) =>
        Enum.GetValues<BusIdentity>().Select(identity => KeyValuePair.Create($"{Section}:{identity}", (string?)user));
}
