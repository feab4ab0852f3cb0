using GrandAmbassador.DataPlane;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Hosting;

/// <summary>One line per event on the console, UTC timestamps; Orleans and the host framework only at warning.</summary>
internal static class ConsoleLogging
{
    public static void Configure(ILoggingBuilder logging, LogLevel level, StartupQuiet? quiet = null)
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
        bool Framework(LogLevel message) =>
            message >= frameworkLevel && (quiet is null || !quiet.Active || frameworkLevel <= LogLevel.Debug || message >= LogLevel.Critical);
        logging.AddFilter("Orleans", Framework);
        logging.AddFilter("Microsoft", Framework);
        logging.AddFilter("Polly", Framework);
        // Start-up notes (GC mode, a slow first health check) that an operator cannot act on.
        logging.AddFilter("Orleans.Runtime.Silo", message => Framework(message) && message >= (level <= LogLevel.Debug ? level : LogLevel.Error));
        logging.AddFilter("Orleans.Runtime.Watchdog", level <= LogLevel.Debug ? level : LogLevel.Error);
        // A failed TLS handshake, with a stack trace and no address, on every retry: the Security
        // log says it once per address and reason (ClusterSecurity). Here, because this factory is
        // the one the silo uses, not the silo's own logging options.
        logging.AddFilter("Orleans.Connections.Security", level <= LogLevel.Debug ? level : LogLevel.Error);
    }
}
