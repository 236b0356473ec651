namespace Bpdp.Testing;

/// <summary>Waits on a condition with a deadline, instead of sleeping for a guessed time.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> when the timeout passes first.</summary>
    public static async Task Holds(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? DefaultTimeout);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (!await condition())
        {
            try
            {
                await timer.WaitForNextTickAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Timed out after {(timeout ?? DefaultTimeout).TotalSeconds:0.#} s waiting until {what}.");
            }
        }
    }

    /// <summary>Polls <paramref name="address"/> until it answers with a status <paramref name="expected"/> accepts; a refused connection is "not yet".</summary>
    public static async Task Answers(Uri address, Func<System.Net.HttpStatusCode, bool> expected, string what, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(expected);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Holds(async () =>
        {
            try
            {
                using var response = await http.GetAsync(address);
                return expected(response.StatusCode);
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, what, timeout);
    }

    /// <summary>Awaits <paramref name="task"/>, failing with <paramref name="what"/> when the timeout passes first.</summary>
    public static async Task<T> Within<T>(Task<T> task, string what, TimeSpan? timeout = null)
    {
        try
        {
            return await task.WaitAsync(timeout ?? DefaultTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Timed out after {(timeout ?? DefaultTimeout).TotalSeconds:0.#} s waiting for {what}.");
        }
    }
}
