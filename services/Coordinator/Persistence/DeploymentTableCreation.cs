using Bpdp.Platform.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Bpdp.Coordinator.Persistence;

/// <summary>Creates the saga tables, if missing, before any message is consumed.</summary>
internal sealed class DeploymentTableCreation(NpgsqlDataSource dataSource, IOptions<CoordinatorOptions> options) : StartupTask
{
    protected override Task Run(CancellationToken cancel) => DeploymentStateTable.Create(dataSource, options.Value.Schema, cancel);
}
