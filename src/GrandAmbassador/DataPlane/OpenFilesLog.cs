using GrandAmbassador.Proxy.Limits;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.DataPlane;

/// <summary>
/// Says once, at start, the open-file limit the process raised itself to (<see cref="ProcessLimits"/>): every
/// relayed connection costs two descriptors, so this is what bounds connections when nothing else does.
/// </summary>
internal static partial class OpenFilesLog
{
    [LoggerMessage(EventId = 7101, EventName = "OpenFiles", Level = LogLevel.Information,
        Message = "Open files: soft limit {Limit} (raised to the hard limit where it was lower).")]
    public static partial void OpenFiles(ILogger logger, ulong limit);
}
