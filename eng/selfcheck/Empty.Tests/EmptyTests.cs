namespace Empty.Tests;

/// <summary>A test project without a single test: test.sh must not count it as success.</summary>
internal static class EmptyTests
{
}
