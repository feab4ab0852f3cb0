using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Http;

internal static partial class HttpLog
{
    [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "HTTP: http://{Address}/ (page, /api/names, /orleans, /metrics, /healthz, /readyz){Access}")]
    public static partial void Listening(ILogger logger, string address, string access);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Warning, Message = "HTTP: {Address} is not a loopback address and no --http-token is set: anyone who reaches it can see the cluster and front names")]
    public static partial void OpenToTheNetwork(ILogger logger, string address);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Warning, Message = "HTTP: the default address {Address} is in use (another ambassador on this machine?): running without the HTTP server; give --http ADDR:PORT to have one")]
    public static partial void DefaultInUse(ILogger logger, string address);

    [LoggerMessage(EventId = 9004, Level = LogLevel.Debug, Message = "HTTP: reading the cluster for the page failed: {Reason}")]
    public static partial void FeedReadFailed(ILogger logger, string reason);
}
