using System.Diagnostics;

namespace GrandAmbassador.Integration.Tests.Harness;

/// <summary>Runs the real executable, as a user types it, and collects what it printed.</summary>
internal static class AmbassadorProcess
{
    private static string Dll => Path.Combine(AppContext.BaseDirectory, "grand-ambassador.dll");

    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(TimeSpan guard, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(guard);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"grand-ambassador {string.Join(' ', args)} did not exit within {guard.TotalSeconds} s");
        }

        return (process.ExitCode, await output, await error);
    }
}
