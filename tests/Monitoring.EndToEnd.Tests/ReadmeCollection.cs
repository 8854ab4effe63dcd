namespace Monitoring.EndToEnd.Tests;

/// <summary>
/// The README test runs <c>run.sh</c>, which builds, and the module build: alone, after the other tests, so no build
/// writes under a process another test is starting.
/// </summary>
[CollectionDefinition(nameof(ReadmeCollection), DisableParallelization = true)]
public sealed class ReadmeCollection;
