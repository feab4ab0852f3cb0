using System.Collections.Concurrent;
using System.Diagnostics;

namespace GrandAmbassador.Testing;

/// <summary>
/// A long-running program whose output lines are kept with the time they arrived, so a test can
/// await what it says; killed with its whole tree on dispose.
/// </summary>
public sealed class RunningProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<(DateTime At, string Line)> _lines = new();
    private readonly List<(Func<string, bool> Match, DateTime Since, TaskCompletionSource<(DateTime, string)> Seen)> _waiters = [];
    private readonly Lock _gate = new();
    private bool _disposed;

    private RunningProcess(Process process) => _process = process;

    public IReadOnlyCollection<(DateTime At, string Line)> Lines => _lines;

    public bool HasExited => _process.HasExited;

    /// <summary>The process id, to send it signals (pause it with SIGSTOP, stop it with SIGTERM).</summary>
    public int Id => _process.Id;

    /// <summary>Waits for the process to exit and returns its exit code; the guard only catches a hang.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan guard)
    {
        using var timeout = new CancellationTokenSource(guard);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public static RunningProcess Start(string program, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var running = new RunningProcess(process);
        process.OutputDataReceived += (_, e) => running.Add(e.Data);
        process.ErrorDataReceived += (_, e) => running.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return running;
    }

    /// <summary>The first line at or after <paramref name="since"/> that matches; the guard only catches a hang.</summary>
    public Task<(DateTime At, string Line)> WaitForAsync(Func<string, bool> match, DateTime since = default, TimeSpan? guard = null)
    {
        var seen = new TaskCompletionSource<(DateTime, string)>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            foreach (var (at, line) in _lines)
            {
                if (at >= since && match(line))
                {
                    return Task.FromResult((at, line));
                }
            }

            _waiters.Add((match, since, seen));
        }

        return seen.Task.WaitAsync(guard ?? TimeSpan.FromSeconds(90));
    }

    /// <summary>Sends <paramref name="signal"/> (TERM, HUP…) to the process itself, as <c>kill -s</c> does.</summary>
    public async Task SignalAsync(string signal)
    {
        var (exitCode, _, error) = await ProcessRunner.RunAsync("kill", ["-s", signal, Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10));
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"kill -s {signal} {Id} failed: {error}");
        }
    }

    /// <summary>SIGKILL to the process and everything it started, as a crash would; its output stays readable.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await WaitForExitAsync(TimeSpan.FromSeconds(20));
    }

    public string Dump() => string.Join(Environment.NewLine, _lines.Select(l => $"{l.At:HH:mm:ss.fff} | {l.Line}"));

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await _process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            // Killed; whatever is left is reaped by the system.
        }

        _process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        var at = DateTime.UtcNow;
        lock (_gate)
        {
            _lines.Enqueue((at, line));
            foreach (var waiter in _waiters.Where(w => at >= w.Since && w.Match(line)).ToList())
            {
                waiter.Seen.TrySetResult((at, line));
                _waiters.Remove(waiter);
            }
        }
    }
}
