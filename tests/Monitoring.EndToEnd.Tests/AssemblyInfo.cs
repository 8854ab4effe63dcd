// These tests start processes, signal them and check Unix file modes: they run where CI runs, on Linux.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
