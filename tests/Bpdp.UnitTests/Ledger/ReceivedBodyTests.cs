using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Bpdp.Ledger.Chain;

namespace Bpdp.UnitTests.Ledger;

/// <summary>A received body becomes its canonical payload, or — when it cannot be canonicalised unambiguously — a refused entry that keeps the exact bytes.</summary>
public sealed class ReceivedBodyTests
{
    private static readonly Guid Id = Guid.NewGuid();
    private static readonly Guid Deployment = Guid.NewGuid();
    private static readonly DateTimeOffset At = new(2027, 3, 4, 5, 6, 7, TimeSpan.Zero);

    [Fact]
    public void An_envelope_is_recorded_as_its_message_in_canonical_form()
    {
        var entry = ReceivedBody.ToEntry(Id, Deployment, "PromoteDeployment", At, """{"messageId":"x","message":{"z":1, "a":[true, null]}}"""u8, isEnvelope: true);

        Assert.Equal(new PendingEntry(Id, Deployment, "PromoteDeployment", At, """{"a":[true,null],"z":1}"""), entry);
    }

    [Fact]
    public void A_body_with_a_duplicated_key_is_recorded_as_refused_with_its_exact_bytes_and_the_reason()
    {
        var body = Encoding.UTF8.GetBytes($$$"""{"message":{"deploymentId":"{{{Deployment}}}","approver":"alice","approver":"mallory"}}""");

        var entry = ReceivedBody.ToEntry(Id, Deployment, "ArtifactApproved", At, body, isEnvelope: true);

        Assert.Equal((Id, Deployment, "RefusedMessage", At), (entry.MessageId, entry.DeploymentId, entry.MessageType, entry.OccurredAt));
        var payload = JsonNode.Parse(entry.Payload)!;
        Assert.Equal(Convert.ToBase64String(body), payload["body"]!.GetValue<string>());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(body)), payload["bodySha256"]!.GetValue<string>());
        Assert.Equal("ArtifactApproved", payload["messageType"]!.GetValue<string>());
        Assert.Equal("duplicate JSON key $.message.approver: parsers disagree on which value counts", payload["reason"]!.GetValue<string>());
    }
}
