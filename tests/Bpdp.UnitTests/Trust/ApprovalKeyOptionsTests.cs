using Bpdp.Trust.Approvals;

namespace Bpdp.UnitTests.Trust;

public sealed class ApprovalKeyOptionsTests
{
    [Fact]
    public void A_key_without_file_agencies_or_environments_names_each_missing_key() =>
        Assert.Equal(
        [
            "Builder:TrustedKeys:approvals:PublicKeyFile is required: the path of the approval system's public key (PEM). " +
            "A key is configured as Builder:TrustedKeys:approvals:PublicKeyFile, Builder:TrustedKeys:approvals:Agencies and Builder:TrustedKeys:approvals:Environments.",
            "Builder:TrustedKeys:approvals:Agencies must list the agencies this key approves for ('*' for every agency).",
            "Builder:TrustedKeys:approvals:Environments must list the environments this key approves for ('*' for every environment).",
        ], new ApprovalKeyOptions().Problems("Builder:TrustedKeys:approvals"));

    [Fact]
    public void A_validity_window_that_ends_before_it_starts_is_refused()
    {
        var options = new ApprovalKeyOptions
        {
            PublicKeyFile = typeof(ApprovalKeyOptionsTests).Assembly.Location,
            Agencies = ["osha"],
            Environments = ["production"],
            NotBefore = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero),
            NotAfter = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero),
        };

        Assert.Equal(["Builder:TrustedKeys:k:NotAfter (2026-11-01T00:00:00.0000000+00:00) must be later than Builder:TrustedKeys:k:NotBefore (2026-12-01T00:00:00.0000000+00:00)."],
            options.Problems("Builder:TrustedKeys:k"));
    }
}
