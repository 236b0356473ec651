namespace Bpdp.Images;

/// <summary>
/// Async locks by key, striped: work on one key runs one at a time in this process, work on different keys seldom
/// waits (only when two keys share a stripe). For read-modify-write against a registry, which has no compare-and-swap.
/// </summary>
public sealed class StripedLock
{
    private readonly SemaphoreSlim[] stripes;

    public StripedLock(int count = 64)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        stripes = [.. Enumerable.Range(0, count).Select(_ => new SemaphoreSlim(1, 1))];
    }

    /// <summary>Waits for <paramref name="key"/>'s stripe; disposing the result releases it.</summary>
    public async Task<IDisposable> Acquire(string key, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var stripe = stripes[(int)((uint)StringComparer.Ordinal.GetHashCode(key) % (uint)stripes.Length)];
        await stripe.WaitAsync(cancel);
        return new Held(stripe);
    }

    private sealed class Held(SemaphoreSlim stripe) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                stripe.Release();
            }
        }
    }
}
