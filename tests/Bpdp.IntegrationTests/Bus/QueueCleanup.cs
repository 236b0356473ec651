using Bpdp.IntegrationTests.Servers;

namespace Bpdp.IntegrationTests.Bus;

/// <summary>Removes a test's queues even when it fails, so they do not collect later runs' messages.</summary>
public sealed class QueueCleanup(RabbitMqServer rabbit, params string[] queues) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        await using var probe = await RabbitMqProbe.Connect(rabbit);
        foreach (var queue in queues)
        {
            await probe.DeleteStage(queue);
        }
    }
}
