using Bpdp.Trust.Operators;

namespace Bpdp.UnitTests.Trust;

public sealed class OperatorKeyOptionsTests
{
    private static readonly string ExistingFile = typeof(OperatorKeyOptionsTests).Assembly.Location;

    [Fact]
    public void A_key_without_file_agencies_or_roles_names_each_missing_key() =>
        Assert.Equal(
        [
            "Coordinator:OperatorKeys:ops:PublicKeyFile is required: the path of the operator's public key (PEM). " +
            "A key is configured as Coordinator:OperatorKeys:ops:PublicKeyFile, Coordinator:OperatorKeys:ops:Agencies and Coordinator:OperatorKeys:ops:Roles.",
            "Coordinator:OperatorKeys:ops:Agencies must list the agencies whose deployments this key may command ('*' for every agency).",
            "Coordinator:OperatorKeys:ops:Roles must list what this key may command: Abort or Promote.",
        ], new OperatorKeyOptions().Problems("Coordinator:OperatorKeys:ops"));

    [Fact]
    public void A_role_that_is_not_one_is_named_with_its_index()
    {
        var options = new OperatorKeyOptions { PublicKeyFile = ExistingFile, Agencies = ["osha"], Roles = ["abort", "Deploy"] };

        Assert.Equal(["Coordinator:OperatorKeys:ops:Roles:1 is 'Deploy', which is not a role: Abort or Promote."], options.Problems("Coordinator:OperatorKeys:ops"));
    }

    [Fact]
    public void A_role_number_is_not_a_role()
    {
        var options = new OperatorKeyOptions { PublicKeyFile = ExistingFile, Agencies = ["osha"], Roles = ["1"] };

        Assert.Equal(["Coordinator:OperatorKeys:ops:Roles:0 is '1', which is not a role: Abort or Promote."], options.Problems("Coordinator:OperatorKeys:ops"));
    }

    [Fact]
    public void A_missing_public_key_file_and_a_window_that_ends_before_it_starts_are_refused()
    {
        var options = new OperatorKeyOptions
        {
            PublicKeyFile = "/nonexistent/ops.pub.pem",
            Agencies = ["*"],
            Roles = ["Promote"],
            NotBefore = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero),
            NotAfter = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero),
        };

        Assert.Equal(
        [
            "Coordinator:OperatorKeys:k:PublicKeyFile names '/nonexistent/ops.pub.pem', which does not exist.",
            "Coordinator:OperatorKeys:k:NotAfter (2026-11-01T00:00:00.0000000+00:00) must be later than Coordinator:OperatorKeys:k:NotBefore (2026-12-01T00:00:00.0000000+00:00).",
        ], options.Problems("Coordinator:OperatorKeys:k"));
    }
}
