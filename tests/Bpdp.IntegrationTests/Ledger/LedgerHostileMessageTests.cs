using System.Text.Json;
using Bpdp.Contracts;
using Bpdp.IntegrationTests.Bus;
using Bpdp.IntegrationTests.Servers;
using Bpdp.Ledger.Chain;
using Bpdp.Ledger.Verification;
using Bpdp.Testing;
using MassTransit;

namespace Bpdp.IntegrationTests.Ledger;

/// <summary>A hostile body among good ones, through the real RabbitMQ into a ledger process writing the real PostgreSQL.</summary>
[Collection(RealServersCollection.Name)]
public sealed class LedgerHostileMessageTests(RealServers servers)
{
    [Fact]
    public async Task A_batch_with_one_duplicated_key_body_records_every_good_message_and_that_one_as_refused()
    {
        var rabbit = await servers.RabbitMq();
        await using var database = await LedgerDatabase.Create(await servers.Postgres());
        var keyFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(keyFile, database.Key.ExportECPrivateKeyPem());
        var queue = $"ledger-{Guid.NewGuid():N}"[..20];
        await using var ledger = await ServiceProcess.Start("Bpdp.Ledger.dll", FreeTcpPort.Next(), new Dictionary<string, string?>(rabbit.ServiceSettings())
        {
            ["Ledger:ConnectionString"] = database.ServiceConnectionString,
            ["Ledger:Schema"] = database.Schema,
            ["Ledger:Queue"] = queue,
            ["Ledger:SigningKeyFile"] = keyFile,
        });
        await using var raw = await RabbitMqProbe.Connect(rabbit);
        var good = Enumerable.Range(0, 5).Select(_ => Samples.Approval()).ToList();
        var hostile = Samples.Approval();
        var hostileBody = $$"""{"deploymentId":"{{Guid.NewGuid()}}",""" + JsonSerializer.Serialize(hostile, ContractJson.Options)[1..];

        await Task.WhenAll(good.Take(3).Select(m => raw.PublishRawJson(typeof(ArtifactApproved), JsonSerializer.Serialize(m, ContractJson.Options), NewId.NextGuid().ToString()))
            .Append(raw.PublishRawJson(typeof(ArtifactApproved), hostileBody, NewId.NextGuid().ToString()))
            .Concat(good.Skip(3).Select(m => raw.PublishRawJson(typeof(ArtifactApproved), JsonSerializer.Serialize(m, ContractJson.Options), NewId.NextGuid().ToString()))));
        await Eventually.Holds(async () => await database.Count() == 6, "all six messages are recorded", TimeSpan.FromSeconds(30));

        foreach (var message in good)
        {
            Assert.Equal(nameof(ArtifactApproved), Assert.Single(await database.Ledger.Timeline(message.DeploymentId)).MessageType);
        }

        var refused = Assert.Single(await database.Ledger.Timeline(hostile.DeploymentId));
        Assert.Equal(ReceivedBody.RefusedType, refused.MessageType);
        var payload = JsonDocument.Parse(refused.Payload).RootElement;
        Assert.Equal("duplicate JSON key $.deploymentId: parsers disagree on which value counts", payload.GetProperty("reason").GetString());
        Assert.Equal(hostileBody, System.Text.Encoding.UTF8.GetString(payload.GetProperty("body").GetBytesFromBase64()));
        Assert.True((await LedgerVerifier.Verify(database.Ledger, database.Key)).Valid);
        using var http = new HttpClient { BaseAddress = ledger.HttpAddress };
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains("\nbpdp_ledger_refused_total 1\n", metrics, StringComparison.Ordinal);
        await raw.DeleteStage(queue);
        File.Delete(keyFile);
    }
}
