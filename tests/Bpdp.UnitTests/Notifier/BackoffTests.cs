using Bpdp.Notifier.Delivery;

namespace Bpdp.UnitTests.Notifier;

public sealed class BackoffTests
{
    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    [InlineData(3, 8)]
    [InlineData(6, 60)]
    [InlineData(100, 60)]
    public void The_wait_doubles_from_the_first_up_to_the_longest(int failed, double seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), Backoff.After(failed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60)));
    }
}
