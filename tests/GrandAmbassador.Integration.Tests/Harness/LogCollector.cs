using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Integration.Tests.Harness;

/// <summary>Keeps every line the ambassador logs, so a test can await what it said, as an operator would read it.</summary>
internal sealed class LogCollector : ILoggerProvider
{
    private readonly ConcurrentQueue<LogLine> _lines = new();
    private readonly List<(Func<LogLine, bool> Match, TaskCompletionSource<LogLine> Seen)> _waiters = [];
    private readonly Lock _gate = new();

    public IReadOnlyCollection<LogLine> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new CollectingLogger(this, categoryName);

    /// <summary>Completes with the first line (past or future) that matches; the guard only catches a hang.</summary>
    public Task<LogLine> WaitForAsync(Func<LogLine, bool> match, TimeSpan? guard = null) => WaitForAsync(match, DateTime.MinValue, guard);

    /// <summary>Like <see cref="WaitForAsync(Func{LogLine, bool}, TimeSpan?)"/>, for lines logged at or after <paramref name="since"/>.</summary>
    public Task<LogLine> WaitForAsync(Func<LogLine, bool> match, DateTime since, TimeSpan? guard = null)
    {
        var inner = match;
        match = line => line.At >= since && inner(line);
        var seen = new TaskCompletionSource<LogLine>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var existing = _lines.FirstOrDefault(match);
            if (existing is not null)
            {
                return Task.FromResult(existing);
            }

            _waiters.Add((match, seen));
        }

        return seen.Task.WaitAsync(guard ?? TimeSpan.FromSeconds(60));
    }

    public string Dump() => string.Join(Environment.NewLine, _lines.Select(line => line.ToString()));

    public void Dispose()
    {
    }

    private void Add(LogLine line)
    {
        lock (_gate)
        {
            _lines.Enqueue(line);
            foreach (var waiter in _waiters.Where(waiter => waiter.Match(line)).ToList())
            {
                waiter.Seen.TrySetResult(line);
                _waiters.Remove(waiter);
            }
        }
    }

    private sealed class CollectingLogger(LogCollector collector, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            collector.Add(new LogLine(DateTime.UtcNow, logLevel, category, eventId.Id, formatter(state, exception)));
    }
}

internal sealed record LogLine(DateTime At, LogLevel Level, string Category, int EventId, string Message)
{
    public override string ToString() => $"{At:HH:mm:ss.fff} {Level} {Category}[{EventId}] {Message}";
}
