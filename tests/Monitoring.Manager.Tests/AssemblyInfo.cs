// These tests check Unix file modes and run where CI runs: Linux.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
