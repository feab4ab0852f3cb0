using GrandAmbassador.Testing;

namespace GrandAmbassador.Integration.Tests.Harness;

/// <summary>Sends a signal to a process, as an operator's <c>kill -SIG PID</c> (or a paused VM) would.</summary>
internal static class Signals
{
    public static async Task SendAsync(RunningProcess process, string signal)
    {
        var (exitCode, _, error) = await ProcessRunner.RunAsync("kill", [$"-{signal}", $"{process.Id}"], TimeSpan.FromSeconds(10));
        Assert.True(exitCode == 0, $"kill -{signal} {process.Id}: {error}");
    }
}
