using System.Diagnostics;

namespace GrandAmbassador.Deploy.Tests;

/// <summary>Runs a program from the repository root, with extra environment variables, to completion.</summary>
internal static class Tool
{
    private static readonly TimeSpan DefaultGuard = TimeSpan.FromMinutes(2);

    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(
        string program, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? guard = null)
    {
        using var process = Start(program, args, environment);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(guard ?? DefaultGuard);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not exit within {(guard ?? DefaultGuard).TotalSeconds} s; it printed: {await output} {await error}");
        }

        return (process.ExitCode, await output, await error);
    }

    /// <summary>Starts the program with its output redirected; the caller reads it and disposes the process.</summary>
    public static Process Start(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = GrandAmbassador.Testing.Repository.Root,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
    }
}
