using Microsoft.Extensions.Logging;

namespace GrandAmbassador.DataPlane;

internal static partial class DataPlaneLog
{
    [LoggerMessage(EventId = 3010, Level = LogLevel.Information, Message = "{Name}: fronted")]
    public static partial void NameAdded(ILogger logger, string name);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Information, Message = "{Name}: no longer fronted; its listeners and connections are closed")]
    public static partial void NameRemoved(ILogger logger, string name);
}
