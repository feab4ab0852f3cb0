using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Bench.Scale.Cluster;

/// <summary>
/// Every component's log: warnings and errors go to stderr (the first <see cref="Shown"/>), and are counted, so that
/// a run that went wrong says so beside its figures; everything below Warning is dropped, as it costs CPU the run needs.
/// </summary>
internal sealed class WarningLog : ILoggerProvider
{
    private const int Shown = 40;
    private long _warnings;

    public long Warnings => Interlocked.Read(ref _warnings);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Write(string category, LogLevel level, string message, Exception? exception)
    {
        if (Interlocked.Increment(ref _warnings) <= Shown)
        {
            Console.Error.WriteLine($"[{level}] {category}: {message}{(exception is null ? "" : " (" + exception.GetType().Name + ": " + exception.Message.Split('\n')[0] + ")")}");
        }
    }

    private sealed class Logger(WarningLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                log.Write(category, logLevel, formatter(state, exception), exception);
            }
        }
    }
}
