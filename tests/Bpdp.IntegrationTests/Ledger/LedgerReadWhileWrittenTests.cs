using Bpdp.IntegrationTests.Distributed;
using Bpdp.Ledger.Chain;
using Bpdp.Ledger.Storage;

namespace Bpdp.IntegrationTests.Ledger;

/// <summary>
/// An auditor runs <c>bpdp ledger export</c> against the embedded ledger while the pipeline writes it: every export,
/// each its own process, succeeds and holds whole batches only — never a torn file.
/// </summary>
public sealed class LedgerReadWhileWrittenTests : IDisposable
{
    private const int BatchSize = 20;
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-ledger-live-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task Exports_run_while_the_writer_appends_each_read_whole_batches()
    {
        var path = Path.Combine(folder, "ledger.db");
        var padding = new string('x', 200);
        var deployment = Guid.NewGuid();
        using var writer = SqliteLedger.Open(path);
        using var stop = new CancellationTokenSource();
        var batches = 0;
        var writing = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await writer.Append([.. Enumerable.Range(0, BatchSize).Select(n =>
                    new PendingEntry(Guid.NewGuid(), deployment, "PromoteDeployment", DateTimeOffset.UtcNow, $$"""{"n":{{n}},"pad":"{{padding}}"}"""))]);
                batches++;
                // Paced like a busy pipeline rather than flat out, so the file stays small enough to export twelve times.
                await Task.Delay(TimeSpan.FromMilliseconds(5));
            }
        });

        var counts = new List<int>();
        for (var export = 0; export < 12; export++)
        {
            var (exit, output, errors) = await CliProcess.Run(new Dictionary<string, string?>(), "ledger", "export", "--sqlite", path);
            Assert.True(exit == 0, $"export {export} exited {exit} after {batches} batches: {errors}");
            counts.Add(output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        }

        await stop.CancelAsync();
        await writing;
        Assert.All(counts, count => Assert.Equal(0, count % BatchSize));
        Assert.True(counts[^1] > counts[0], $"the ledger did not grow between the exports: {string.Join(", ", counts)}");
    }
}
