using GrandAmbassador.Proxy.Limits;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Hosting;

/// <summary>
/// Says once, at start, the open-file limit the process raised itself to (<see cref="ProcessLimits"/>): every
/// relayed connection costs two descriptors, so this is what bounds connections when nothing else does.
/// </summary>
internal sealed partial class OpenFilesBanner(ulong? openFiles, ILogger<OpenFilesBanner> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (openFiles is { } limit)
        {
            OpenFiles(logger, limit);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 7101, EventName = "OpenFiles", Level = LogLevel.Information,
        Message = "Open files: soft limit {Limit} (raised to the hard limit where it was lower).")]
    private static partial void OpenFiles(ILogger logger, ulong limit);
}
