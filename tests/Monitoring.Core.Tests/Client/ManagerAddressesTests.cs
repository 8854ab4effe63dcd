using Microsoft.Extensions.Time.Testing;
using Monitoring.Client;

namespace Monitoring.Core.Tests.Client;

/// <summary>Which manager an agent talks to: spread by id, next on failure (once per failure), back to its own after a while.</summary>
public sealed class ManagerAddressesTests
{
    private static readonly Uri A = new("https://a.example:5000");
    private static readonly Uri B = new("https://b.example:5000");
    private static readonly Uri C = new("https://c.example:5000");

    [Fact]
    public void AgentsSpreadOverTheManagers_AndEachAlwaysPrefersTheSameOne()
    {
        var counts = new int[3];
        for (var i = 0; i < 3000; i++)
        {
            counts[ManagerAddresses.PreferredFor("web-" + i, 3)]++;
        }

        Assert.All(counts, c => Assert.InRange(c, 800, 1200));
        Assert.Equal(ManagerAddresses.PreferredFor("db1", 3), ManagerAddresses.PreferredFor("db1", 3));
        Assert.Equal(0, ManagerAddresses.PreferredFor("db1", 1));
    }

    [Fact]
    public void AFailure_MovesToTheNextManager_Once_EvenWhenTwoCallsFailTogether()
    {
        var time = new FakeTimeProvider();
        var managers = new ManagerAddresses([A, B, C], preferred: 1, time);
        var moves = new List<(Uri, Uri)>();
        managers.Moved += (from, to) => moves.Add((from, to));

        managers.MoveOn(B);
        managers.MoveOn(B);
        managers.MoveOn(C);

        Assert.Equal(A, managers.Current);
        Assert.Equal([(B, C), (C, A)], moves);
    }

    [Fact]
    public void AfterAFailover_TheAgentReturnsToItsPreferredManager_OnlyOnceTheWaitIsOver()
    {
        var time = new FakeTimeProvider();
        var managers = new ManagerAddresses([A, B], preferred: 0, time);
        managers.MoveOn(A);

        time.Advance(TimeSpan.FromMinutes(2));
        Assert.False(managers.ReturnToPreferred(TimeSpan.FromMinutes(3)));
        Assert.Equal(B, managers.Current);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(managers.ReturnToPreferred(TimeSpan.FromMinutes(3)));
        Assert.Equal(A, managers.Current);
        Assert.False(managers.ReturnToPreferred(TimeSpan.Zero));
    }

    [Fact]
    public void OneManager_NeverMoves()
    {
        var managers = new ManagerAddresses([A], preferred: 5, TimeProvider.System);

        managers.MoveOn(A);

        Assert.Equal(A, managers.Current);
    }
}
