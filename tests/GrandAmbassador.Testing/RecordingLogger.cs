using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Testing;

/// <summary>Keeps every log line, so a test can check (and await) what the agent said, by stable event id.</summary>
public sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly ConcurrentDictionary<int, TaskCompletionSource> _seen = new();

    public ConcurrentQueue<(EventId Id, LogLevel Level, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        Entries.Enqueue((eventId, logLevel, formatter(state, exception)));
        Seen(eventId.Id).TrySetResult();
    }

    /// <summary>Completes once a line with <paramref name="eventId"/> was logged (hang guard 30 s).</summary>
    public Task WaitForAsync(int eventId) => Seen(eventId).Task.WaitAsync(TimeSpan.FromSeconds(30));

    private TaskCompletionSource Seen(int eventId) =>
        _seen.GetOrAdd(eventId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
