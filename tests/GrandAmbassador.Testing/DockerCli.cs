using System.Diagnostics;

namespace GrandAmbassador.Testing;

/// <summary>Drives the engine the way a person would: through the <c>docker</c> CLI.</summary>
public static class DockerCli
{
    /// <summary>Runs <c>docker args…</c> and returns its trimmed output; throws with its stderr when it fails.</summary>
    public static async Task<string> RunAsync(params string[] args)
    {
        var (exitCode, output, error) = await TryRunAsync(args);
        return exitCode == 0
            ? output
            : throw new InvalidOperationException($"docker {string.Join(' ', args)} exited {exitCode}: {error}");
    }

    public static async Task<(int ExitCode, string Output, string Error)> TryRunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("docker")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("docker did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(guard.Token);
        return (process.ExitCode, (await output).Trim(), (await error).Trim());
    }
}
