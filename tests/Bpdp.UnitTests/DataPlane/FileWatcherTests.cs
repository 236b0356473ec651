using Bpdp.DataPlane;
using Bpdp.Testing;
using Bpdp.UnitTests.Executor;

namespace Bpdp.UnitTests.DataPlane;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class InotifyCollection
{
    public const string Name = "inotify instances";
}

/// <summary>
/// A user has 128 inotify instances by default, and every web host that may reload its configuration takes one: a slot
/// proxy or an executor that did would stop the local target at about 60 targets. Alone in its collection: other tests'
/// hosts would change the count.
/// </summary>
[Collection(InotifyCollection.Name)]
public sealed class FileWatcherTests
{
    [Fact]
    public async Task A_slot_proxy_and_an_executor_start_without_taking_an_inotify_instance()
    {
        var before = InotifyInstances();

        await using var slot = await SlotProxy.Start("127.0.0.1", FreeTcpPort.Next(), FreeTcpPort.Next(), CancellationToken.None);
        await using var executor = await ServedExecutor.Start(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "examples", "haz-fast", "v1.0.0.yaml")));

        Assert.Equal(before, InotifyInstances());
    }

    private static int InotifyInstances() => Directory.EnumerateFileSystemEntries("/proc/self/fd").Count(fd =>
    {
        try
        {
            return new FileInfo(fd).LinkTarget == "anon_inode:inotify";
        }
        catch (IOException)
        {
            return false;
        }
    });
}
