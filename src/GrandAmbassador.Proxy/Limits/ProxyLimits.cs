using GrandAmbassador.Proxy.Hosting;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Proxy.Limits;

/// <summary>
/// The bounds shared by every port of every <see cref="ServiceProxy"/> one <see cref="ServiceProxyFactory"/>
/// builds, that is, by the whole process: open connections, held connections and held UDP bytes.
/// </summary>
internal sealed class ProxyLimits
{
    public ProxyLimits(ProxyOptions options, ILogger logger)
    {
        Connections = new ConnectionSlots(EffectiveMaxConnections(options.MaxConnections), logger);
        HeldConnections = new HeldFlows("connections", options.MaxHeldConnections, long.MaxValue, logger);
        HeldDatagrams = new HeldFlows("UDP bytes", int.MaxValue, options.MaxHeldUdpBytes, logger);
    }

    public ConnectionSlots Connections { get; }

    /// <summary>TCP connections waiting for a destination, bounded by count.</summary>
    public HeldFlows HeldConnections { get; }

    /// <summary>UDP sessions holding datagrams while they wait for a destination, bounded by bytes.</summary>
    public HeldFlows HeldDatagrams { get; }

    /// <summary>
    /// An explicit limit as given; 0 derives one from the open-file limit: each relayed connection costs two
    /// descriptors, and 1,024 are left for listeners, UDP sessions, the cluster and the engine.
    /// </summary>
    internal static int EffectiveMaxConnections(int configured)
    {
        if (configured > 0)
        {
            return configured;
        }

        var files = ProcessLimits.OpenFiles()?.Soft ?? ulong.MaxValue;
        return files >= int.MaxValue ? int.MaxValue / 2 : (int)Math.Max(1, ((long)files - 1024) / 2);
    }
}
