using Monitoring.Internal;

namespace Monitoring.Core.Tests.Internal;

/// <summary>The ACL itself can only be applied on Windows; what it grants is checked here.</summary>
public sealed class WindowsAclTests
{
    [Fact]
    public void OwnerOnly_GrantsTheOwnerSystemAndAdministrators_AndInheritsNothing()
    {
        var sddl = WindowsAcl.OwnerOnlySddl("S-1-5-21-1-2-3-1001", directory: false);

        Assert.Equal("O:S-1-5-21-1-2-3-1001D:P(A;;FA;;;S-1-5-21-1-2-3-1001)(A;;FA;;;SY)(A;;FA;;;BA)", sddl);
        Assert.DoesNotContain("WD", sddl, StringComparison.Ordinal);
        Assert.DoesNotContain("BU", sddl, StringComparison.Ordinal);
    }

    [Fact]
    public void OwnerOnlyFolder_PassesTheSameAclToWhatItHolds()
    {
        Assert.Contains("(A;OICI;FA;;;SY)", WindowsAcl.OwnerOnlySddl("S-1-5-18", directory: true), StringComparison.Ordinal);
    }
}
