using System.Security.Cryptography;
using Bpdp.Cli;
using Bpdp.Cli.Signing;
using Bpdp.Contracts;
using Bpdp.Trust.Operators;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace Bpdp.UnitTests.Cli;

/// <summary>
/// <c>bpdp abort</c> and <c>bpdp promote</c> sign with the operator's key, and refuse before connecting when there is no usable key;
/// <c>bpdp keys operator</c> makes a key whose printed configuration lines the Coordinator's check accepts.
/// </summary>
public sealed class OperatorCommandsTests : IDisposable
{
    private static readonly Guid Id = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
    private static readonly DeploymentTarget Osha = new("osha", "production", "haz-fast", "1.1.0");
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-operator-").FullName;
    private readonly StringWriter output = new();
    private readonly StringWriter errors = new();

    public void Dispose()
    {
        output.Dispose();
        errors.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    private string WriteKey(string name, string pem)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, pem);
        return path;
    }

    /// <summary>The Coordinator's check, trusting what <c>bpdp keys operator</c> printed, at <paramref name="now"/>.</summary>
    private static OperatorCommandEvidence Trusting(IEnumerable<string> printed, DateTimeOffset now)
    {
        var settings = printed.Where(l => l.StartsWith("Coordinator:", StringComparison.Ordinal)).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => (string?)p[1]);
        var entries = new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection("Coordinator:OperatorKeys").Get<Dictionary<string, OperatorKeyOptions>>()!;
        return new OperatorCommandEvidence(OperatorKeyRing.Load("Coordinator:OperatorKeys", entries), new FakeTimeProvider(now), OperatorCommandEvidence.DefaultMaxAge,
            "Coordinator:OperatorKeys");
    }

    [Fact]
    public async Task A_generated_operator_key_prints_the_lines_that_trust_it_and_its_signed_commands_are_accepted()
    {
        Assert.Equal(0, await BpdpCli.Run(["keys", "operator", "ops-jane", "--agency", "osha", "--output", folder], output, errors));

        var privatePath = Path.Combine(folder, "ops-jane.key.pem");
        var publicPath = Path.Combine(folder, "ops-jane.pub.pem");
        var printed = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
        [
            privatePath,
            publicPath,
            $"Coordinator:OperatorKeys:ops-jane:PublicKeyFile={publicPath}",
            "Coordinator:OperatorKeys:ops-jane:Agencies:0=osha",
            "Coordinator:OperatorKeys:ops-jane:Roles:0=Abort",
            "Coordinator:OperatorKeys:ops-jane:Roles:1=Promote",
        ], printed);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, new FileInfo(privatePath).UnixFileMode);

        var now = DateTimeOffset.UtcNow;
        using var signer = OperatorSigner.Load(privatePath);
        var evidence = Trusting(printed, now);
        Assert.Equal("jane (key ops-jane)", evidence.Check(signer.Abort(Id, "jane", "error rate", now), Osha).Operator);
        Assert.Equal("jane (key ops-jane)", evidence.Check(signer.Promote(Id, "jane", now), Osha).Operator);
        Assert.Equal(RefusalReason.NotAuthorized, evidence.Check(signer.Promote(Id, "jane", now), Osha with { Agency = "epa" }).Reason);
    }

    [Fact]
    public async Task An_operator_key_generated_for_abort_only_is_trusted_for_abort_only()
    {
        Assert.Equal(0, await BpdpCli.Run(["keys", "operator", "ops-sam", "--agency", "*", "--role", "Abort", "-o", folder], output, errors));

        var printed = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["Coordinator:OperatorKeys:ops-sam:Agencies:0=*", "Coordinator:OperatorKeys:ops-sam:Roles:0=Abort"], printed[3..]);
        var now = DateTimeOffset.UtcNow;
        using var signer = OperatorSigner.Load(Path.Combine(folder, "ops-sam.key.pem"));
        var evidence = Trusting(printed, now);
        Assert.True(evidence.Check(signer.Abort(Id, "sam", "why", now), Osha with { Agency = "epa" }).IsAccepted);
        Assert.Equal(RefusalReason.NotAuthorized, evidence.Check(signer.Promote(Id, "sam", now), Osha).Reason);
    }

    [Fact]
    public async Task An_operator_key_is_never_overwritten()
    {
        Assert.Equal(0, await BpdpCli.Run(["keys", "operator", "ops-jane", "--agency", "osha", "--output", folder], output, errors));
        var first = await File.ReadAllTextAsync(Path.Combine(folder, "ops-jane.key.pem"));

        Assert.Equal(2, await BpdpCli.Run(["keys", "operator", "ops-jane", "--agency", "osha", "--output", folder], output, errors));

        Assert.Equal($"bpdp keys operator: {Path.Combine(folder, "ops-jane.key.pem")} exists; a key is never overwritten.\n", errors.ToString());
        Assert.Equal(first, await File.ReadAllTextAsync(Path.Combine(folder, "ops-jane.key.pem")));
    }

    [Fact]
    public async Task An_operator_key_name_that_cannot_be_a_configuration_key_is_refused()
    {
        Assert.Equal(2, await BpdpCli.Run(["keys", "operator", "ops:jane", "--agency", "osha", "--output", folder], output, errors));

        Assert.Equal("bpdp keys operator: 'ops:jane' cannot be a key id: it becomes part of configuration keys, so letters, digits, '.', '-' and '_' only.\n", errors.ToString());
        Assert.Empty(Directory.GetFiles(folder));
    }

    [Theory]
    [InlineData("abort")]
    [InlineData("promote")]
    public async Task Without_a_key_the_command_is_refused_telling_how_to_sign(string verb)
    {
        Assert.Equal(2, await BpdpCli.Run([verb, Id.ToString()], output, errors));

        Assert.Equal($"bpdp {verb}: --key is required: the Coordinator refuses unsigned operator commands. " +
            "Make a key with `bpdp keys operator NAME --agency AGENCY --output DIR`, have the Coordinator trust DIR/NAME.pub.pem with the lines it prints, " +
            $"then run `bpdp {verb} … --key DIR/NAME.key.pem`.\n", errors.ToString());
        Assert.Empty(output.ToString());
    }

    [Fact]
    public async Task A_missing_key_file_is_a_usage_error()
    {
        var path = Path.Combine(folder, "ops-jane.key.pem");

        Assert.Equal(2, await BpdpCli.Run(["abort", Id.ToString(), "--key", path], output, errors));

        Assert.Equal($"bpdp abort: --key {path}: no such file. `bpdp keys operator NAME` makes an operator key.\n", errors.ToString());
    }

    [Fact]
    public async Task A_file_that_is_not_a_pem_key_is_a_usage_error()
    {
        var path = WriteKey("ops.key.pem", "not a key");

        Assert.Equal(2, await BpdpCli.Run(["promote", Id.ToString(), "--key", path], output, errors));

        Assert.StartsWith($"bpdp promote: --key {path} is not a PEM EC private key (PKCS#8 or EC PRIVATE KEY): ", errors.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_public_key_given_as_the_signing_key_is_a_usage_error()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var path = WriteKey("ops.pub.pem", key.ExportSubjectPublicKeyInfoPem());

        Assert.Equal(2, await BpdpCli.Run(["abort", Id.ToString(), "--key", path], output, errors));

        Assert.Equal($"bpdp abort: --key {path} holds only a public key; sign with the private key (<name>.key.pem).\n", errors.ToString());
    }

    [Fact]
    public async Task A_key_on_another_curve_is_a_usage_error()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var path = WriteKey("ops.key.pem", key.ExportPkcs8PrivateKeyPem());

        Assert.Equal(2, await BpdpCli.Run(["abort", Id.ToString(), "--key", path], output, errors));

        Assert.Equal($"bpdp abort: --key {path} is a key on ECDSA_P384; operator commands are signed with ECDSA P-256.\n", errors.ToString());
    }

    [Fact]
    public async Task A_name_with_a_line_break_is_refused_before_anything_is_sent()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var path = WriteKey("ops.key.pem", key.ExportPkcs8PrivateKeyPem());

        Assert.Equal(2, await BpdpCli.Run(["abort", Id.ToString(), "--key", path, "--as", "jane\nrequestedBy=admin"], output, errors));

        Assert.Equal("bpdp abort: nothing sent: The operator command field 'requestedBy' contains a line break, which the canonical form cannot carry. (Parameter 'requestedBy')\n",
            errors.ToString());
    }

    [Theory]
    [InlineData("keys/ops-jane.key.pem", "ops-jane")]
    [InlineData("ops-jane.pem", "ops-jane")]
    [InlineData("ops-jane", "ops-jane")]
    public void The_key_id_defaults_to_the_file_name_without_its_pem_suffix(string path, string keyId) =>
        Assert.Equal(keyId, OperatorSigner.DefaultKeyId(path));

    [Fact]
    public void A_sec1_key_signs_under_the_given_key_id_to_the_millisecond()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var path = WriteKey("ops.key.pem", key.ExportECPrivateKeyPem());
        var at = new DateTimeOffset(2026, 11, 27, 5, 5, 0, 123, TimeSpan.FromHours(-5)).AddTicks(4567);

        using var signer = OperatorSigner.Load(path, "ops-2026");
        var abort = signer.Abort(Id, "jane", "error rate", at);

        Assert.Equal(new AbortDeployment(Id, new DateTimeOffset(2026, 11, 27, 10, 5, 0, 123, TimeSpan.Zero), "jane", "error rate", "ops-2026", abort.Signature), abort);
        Assert.True(key.VerifyData(OperatorCommandCanonicalForm.ToBytes(abort), Convert.FromBase64String(abort.Signature!), HashAlgorithmName.SHA256,
            DSASignatureFormat.Rfc3279DerSequence));
    }
}
