using Monitoring.Agent;

namespace Monitoring.Core.Tests.Agent;

public class AgentIdsTests
{
    [Theory]
    [InlineData("web1", true)]
    [InlineData("db-01.paris_2", true)]
    [InlineData("", false)]
    [InlineData("-web", false)]
    [InlineData("../etc", false)]
    [InlineData("a/b", false)]
    [InlineData("a b", false)]
    [InlineData("café", false)]
    public void IsValid_FollowsTheRule(string id, bool valid) => Assert.Equal(valid, AgentIds.IsValid(id));

    [Fact]
    public void IsValid_RefusesOverlongIds()
    {
        Assert.True(AgentIds.IsValid(new string('a', 128)));
        Assert.False(AgentIds.IsValid(new string('a', 129)));
    }

    [Theory]
    [InlineData("web1", "web1")]
    [InlineData("my host", "my-host")]
    [InlineData("-x", "x")]
    [InlineData("---", "agent")]
    public void FromHostName_MakesAValidId(string host, string id)
    {
        Assert.Equal(id, AgentIds.FromHostName(host));
        Assert.True(AgentIds.IsValid(AgentIds.FromHostName(host)));
    }
}
