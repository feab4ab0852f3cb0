using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Hosting;

/// <summary>One line per event on the console, UTC timestamps; Orleans and the host framework only at warning.</summary>
internal static class ConsoleLogging
{
    public static void Configure(ILoggingBuilder logging, LogLevel level)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
            console.UseUtcTimestamp = true;
        });
        logging.SetMinimumLevel(level);
        // Orleans and the host are chatty at Information: they speak up only when asked for debug.
        var frameworkLevel = level <= LogLevel.Debug ? level : LogLevel.Warning;
        logging.AddFilter("Orleans", frameworkLevel);
        logging.AddFilter("Microsoft", frameworkLevel);
        logging.AddFilter("Polly", frameworkLevel);
        // Start-up notes (GC mode, a slow first health check) that an operator cannot act on.
        logging.AddFilter("Orleans.Runtime.Silo", level <= LogLevel.Debug ? level : LogLevel.Error);
        logging.AddFilter("Orleans.Runtime.Watchdog", level <= LogLevel.Debug ? level : LogLevel.Error);
    }
}
