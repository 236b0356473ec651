using Bpdp.Platform.Hosting;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Bpdp.Coordinator.Persistence;

/// <summary>
/// Refuses to start a Coordinator that keeps its sagas in memory on a shared broker: its deployments would be
/// forgotten by a restart, so a re-sent approval would deploy again, and a second replica would never see
/// the first one's deployments. In memory is for the embedded mode, where the bus is in memory too.
/// </summary>
internal sealed class InMemoryStoreGuard(IBus bus) : StartupTask
{
    protected override Task Run(CancellationToken cancel) =>
        bus.Address.Scheme.StartsWith("loopback", StringComparison.Ordinal)
            ? Task.CompletedTask
            : throw new OptionsValidationException(CoordinatorOptions.Section, typeof(CoordinatorOptions),
                [$"Coordinator:Store is InMemory while the bus is {bus.Address.Scheme}://: deployments would be forgotten on restart and a re-sent approval could deploy again. " +
                    "Set Coordinator:Store=Postgres and Coordinator:ConnectionString (or Coordinator__Store / Coordinator__ConnectionString)."]);
}
