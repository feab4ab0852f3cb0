using GrandAmbassador.Testing;

namespace GrandAmbassador.Integration.Tests.Harness;

/// <summary>Runs the real executable, as a user types it, and collects what it printed.</summary>
internal static class AmbassadorProcess
{
    public static Task<(int ExitCode, string Output, string Error)> RunAsync(TimeSpan guard, params string[] args) =>
        ProcessRunner.RunAsync("dotnet", [Repository.AmbassadorDll, .. args], guard);
}
