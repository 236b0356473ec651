using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Bpdp.Contracts;
using Bpdp.Testing;

namespace Bpdp.UnitTests.Contracts;

public sealed class OperatorCommandCanonicalFormTests
{
    private static readonly Guid Id = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
    private static readonly DateTimeOffset At = new(2026, 11, 27, 4, 40, 5, 123, TimeSpan.FromHours(-5));

    [Fact]
    public void Abort_canonical_form_is_the_documented_lines_in_order_with_the_time_in_utc()
    {
        var abort = new AbortDeployment(Id, At.AddTicks(4567), "jane.doe@osha.example", "error rate climbing", "ops-jane", "ignored");

        var text = OperatorCommandCanonicalForm.ToText(abort);

        Assert.Equal(
            "bpdp-operator-command/v1\n" +
            "command=abort\n" +
            "deploymentId=0f8fad5b-d9cb-469f-a165-70867728950e\n" +
            "requestedBy=jane.doe@osha.example\n" +
            "operatorKeyId=ops-jane\n" +
            "occurredAt=2026-11-27T09:40:05.123Z\n" +
            "reason=error rate climbing\n",
            text);
        Assert.Equal(Encoding.UTF8.GetBytes(text), OperatorCommandCanonicalForm.ToBytes(abort));
    }

    [Fact]
    public void Promote_canonical_form_has_no_reason_line()
    {
        var promote = new PromoteDeployment(Id, At, "jane.doe@osha.example", "ops-jane");

        Assert.Equal(
            "bpdp-operator-command/v1\n" +
            "command=promote\n" +
            "deploymentId=0f8fad5b-d9cb-469f-a165-70867728950e\n" +
            "requestedBy=jane.doe@osha.example\n" +
            "operatorKeyId=ops-jane\n" +
            "occurredAt=2026-11-27T09:40:05.123Z\n",
            OperatorCommandCanonicalForm.ToText(promote));
    }

    [Fact]
    public void An_unsigned_command_has_an_empty_key_id_line()
    {
        var text = OperatorCommandCanonicalForm.ToText(new PromoteDeployment(Id, At, "jane"));

        Assert.Contains("\noperatorKeyId=\n", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("jane\noperatorKeyId=forged", "error", "requestedBy")]
    [InlineData("jane", "error\rreason=other", "reason")]
    public void A_field_with_a_line_break_has_no_canonical_form(string requestedBy, string reason, string field)
    {
        var error = Assert.Throws<ArgumentException>(() => OperatorCommandCanonicalForm.ToText(new AbortDeployment(Id, At, requestedBy, reason, "ops-jane")));

        Assert.Equal($"The operator command field '{field}' contains a line break, which the canonical form cannot carry. (Parameter '{field}')", error.Message);
    }

    [Fact]
    public void A_key_id_with_a_line_break_has_no_canonical_form() =>
        Assert.Throws<ArgumentException>(() => OperatorCommandCanonicalForm.ToText(new PromoteDeployment(Id, At, "jane", "ops\njane")));

    [Fact]
    public void The_signature_covers_every_field_but_itself_and_the_kind_of_command()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var abort = OperatorCommandCanonicalForm.Sign(new AbortDeployment(Id, At, "jane", "error rate", "ops-jane"), key);
        var signature = Convert.FromBase64String(abort.Signature!);

        bool Verifies(byte[] bytes) => key.VerifyData(bytes, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

        Assert.True(Verifies(OperatorCommandCanonicalForm.ToBytes(abort with { Signature = "other" })));
        Assert.False(Verifies(OperatorCommandCanonicalForm.ToBytes(abort with { Reason = "other" })));
        Assert.False(Verifies(OperatorCommandCanonicalForm.ToBytes(abort with { RequestedBy = "mallory" })));
        Assert.False(Verifies(OperatorCommandCanonicalForm.ToBytes(abort with { OccurredAt = At.AddMilliseconds(1) })));
        Assert.False(Verifies(OperatorCommandCanonicalForm.ToBytes(abort with { DeploymentId = Guid.NewGuid() })));
        Assert.False(Verifies(OperatorCommandCanonicalForm.ToBytes(new PromoteDeployment(Id, At, "jane", "ops-jane"))));
    }

    [Fact]
    public void A_command_without_a_key_id_cannot_be_signed()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var error = Assert.Throws<ArgumentException>(() => OperatorCommandCanonicalForm.Sign(new PromoteDeployment(Id, At, "jane"), key));
        Assert.StartsWith("The command names no operator key (operatorKeyId)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unsigned_command_of_before_signatures_still_deserializes()
    {
        var abort = JsonSerializer.Deserialize<AbortDeployment>(
            """{"deploymentId":"0f8fad5b-d9cb-469f-a165-70867728950e","occurredAt":"2026-11-27T09:40:05Z","requestedBy":"jane","reason":"why"}""", ContractJson.Options)!;

        Assert.Equal(new AbortDeployment(Id, new DateTimeOffset(2026, 11, 27, 9, 40, 5, TimeSpan.Zero), "jane", "why"), abort);
        Assert.Null(abort.Signature);
    }

    [Fact]
    public void Documented_example_abort_verifies_with_ecdsa_p256_over_its_canonical_form()
    {
        var examples = Path.Combine(RepositoryRoot.Path, "contracts", "examples");
        var abort = JsonSerializer.Deserialize<AbortDeployment>(File.ReadAllText(Path.Combine(examples, "AbortDeployment.json")), ContractJson.Options)!;
        using var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(Path.Combine(examples, "operator-example.pub.pem")));

        var signature = Convert.FromBase64String(abort.Signature!);

        Assert.True(key.VerifyData(OperatorCommandCanonicalForm.ToBytes(abort), signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        Assert.False(key.VerifyData(OperatorCommandCanonicalForm.ToBytes(abort with { Reason = "other" }), signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    }
}
