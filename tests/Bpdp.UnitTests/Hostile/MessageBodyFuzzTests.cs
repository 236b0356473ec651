using System.Text;
using System.Text.Json;
using Bpdp.Contracts;
using Bpdp.Ledger.Chain;
using Bpdp.Platform.Bus;

namespace Bpdp.UnitTests.Hostile;

/// <summary>
/// Generated hostile bodies of every pipeline message: each is refused the way every consumer refuses it (a duplicated key,
/// or the serializer naming the field), the ledger records each without throwing (a body it cannot canonicalise as a
/// refused entry), and every valid body is then read.
/// </summary>
public sealed class MessageBodyFuzzTests
{
    [Fact]
    public async Task Generated_hostile_bodies_of_every_message_are_refused_and_the_ledger_records_each()
    {
        var mutator = new Mutator(2026120208);
        var types = PipelineMessageTypes.All;
        var refusedByLedger = 0;
        for (var i = 0; i < Campaign.MessageBodies; i++)
        {
            var type = types[i % types.Count];
            var (json, what) = mutator.BrokenMember(ContractSamples.Json(type), ContractSamples.Required(type));
            var body = Encoding.UTF8.GetBytes(json);

            var refusal = await Task.Run(() => Refusal(body, type)).WaitAsync(Campaign.Bound);
            var entry = ReceivedBody.ToEntry(Guid.NewGuid(), Guid.NewGuid(), type.Name, DateTimeOffset.UnixEpoch, body, isEnvelope: false);

            Assert.False(string.IsNullOrWhiteSpace(refusal), $"body {i} of {type.Name} ({what}) was read: {json}");

            // The ledger refuses what it cannot canonicalise (not JSON, a key twice, too deep) and records the rest as sent.
            var unreadable = what is "truncated" or "a raw control character inserted" || what.EndsWith(" duplicated", StringComparison.Ordinal)
                || what.EndsWith(" nested deeply", StringComparison.Ordinal);
            Assert.True(unreadable == (entry.MessageType == ReceivedBody.RefusedType), $"body {i} of {type.Name} ({what}): ledger entry {entry.MessageType}");
            refusedByLedger += unreadable ? 1 : 0;
        }

        Assert.All(types, type => Assert.Equal("", Refusal(Encoding.UTF8.GetBytes(ContractSamples.Json(type).ToJsonString()), type)));
        Assert.Equal(983, refusedByLedger);
    }

    /// <summary>Why a consumer of <paramref name="type"/> refuses the body, or empty when it reads it.</summary>
    private static string Refusal(byte[] body, Type type)
    {
        try
        {
            if (DuplicateJsonKeys.Find(body) is { } path)
            {
                return $"duplicate key {path}";
            }

            return JsonSerializer.Deserialize(body, type, ContractJson.Options) is IPipelineMessage { DeploymentId: var id } && id != Guid.Empty ? "" : "no deployment";
        }
        catch (JsonException error)
        {
            return $"serializer: {error.Message}";
        }
    }
}
