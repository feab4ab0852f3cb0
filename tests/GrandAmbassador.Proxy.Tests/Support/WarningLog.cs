using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Proxy.Tests.Support;

/// <summary>A logger factory that keeps every warning (event id and message) its loggers write.</summary>
internal sealed class WarningLog : ILoggerProvider, ILogger
{
    private readonly ConcurrentQueue<(int EventId, string Message)> _lines = new();

    public IReadOnlyCollection<(int EventId, string Message)> Lines => _lines;

    public ILoggerFactory Factory() => LoggerFactory.Create(builder => builder.AddProvider(this).SetMinimumLevel(LogLevel.Warning));

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _lines.Enqueue((eventId.Id, formatter(state, exception)));

    public void Dispose()
    {
    }
}
