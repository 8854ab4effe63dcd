using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Monitoring.EndToEnd.Tests;

/// <summary>What <c>dotnet pack</c> of the solution makes: the SDK package alone, complete, at the product's one version.</summary>
public sealed class PackageTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("monitoring-pack-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [Fact]
    public async Task PackingTheSolution_MakesTheSdkPackageAndItsSymbolsOnly()
    {
        var (code, output) = await ProcessRun.RunAsync("dotnet", ServerProcess.RepoRoot, "pack", "Monitoring.sln", "-c", "Release", "--no-build", "-o", _out, "-nologo", "-v", "quiet");
        Assert.True(code == 0, $"dotnet pack exited {code}:\n{output}");

        var version = Regex.Match(File.ReadAllText(Path.Combine(ServerProcess.RepoRoot, "Monitoring.psd1")), @"ModuleVersion\s*=\s*'([0-9.]+)'").Groups[1].Value;
        Assert.Equal(
            [$"Monitoring.Core.{version}.nupkg", $"Monitoring.Core.{version}.snupkg"],
            Directory.GetFiles(_out).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        using var package = ZipFile.OpenRead(Path.Combine(_out, $"Monitoring.Core.{version}.nupkg"));
        var entries = package.Entries.Select(e => e.FullName).ToList();
        foreach (var framework in new[] { "netstandard2.0", "net10.0" })
        {
            Assert.Contains($"lib/{framework}/Monitoring.Core.dll", entries);
            Assert.Contains($"lib/{framework}/Monitoring.Core.xml", entries);
        }

        Assert.Contains("README.md", entries);
        XNamespace ns = "http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd";
        await using var nuspecStream = package.GetEntry("Monitoring.Core.nuspec")!.Open();
        var metadata = XDocument.Load(nuspecStream).Root!.Element(ns + "metadata")!;
        Assert.Equal(version, metadata.Element(ns + "version")!.Value);
        Assert.Equal("MIT", metadata.Element(ns + "license")!.Value);
        Assert.Equal("README.md", metadata.Element(ns + "readme")!.Value);
        Assert.Matches("^[0-9a-f]{40}$", metadata.Element(ns + "repository")!.Attribute("commit")!.Value);
        using var symbols = ZipFile.OpenRead(Path.Combine(_out, $"Monitoring.Core.{version}.snupkg"));
        Assert.Contains("lib/net10.0/Monitoring.Core.pdb", symbols.Entries.Select(e => e.FullName));
    }
}
