namespace Crashing.Tests;

/// <summary>One test passes, then the test host dies: test.sh must report the project as failed.</summary>
public sealed class CrashingTests
{
    [Fact]
    public void Passes() => Assert.True(true);

    [Fact]
    public void KillsTheTestHost() => Environment.FailFast("The self-check's crashing test host.");
}
