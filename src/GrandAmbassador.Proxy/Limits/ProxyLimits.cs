using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Proxy.Limits;

/// <summary>
/// The bounds shared by every port of every <see cref="Engine.ServiceProxy"/> one <see cref="Hosting.ServiceProxyFactory"/>
/// builds, that is, by the whole process: open connections, held connections and held UDP bytes.
/// </summary>
internal sealed class ProxyLimits
{
    /// <param name="maxConnections">The options' <see cref="Engine.ProxyOptions.MaxConnections"/> (0: from the open-file limit).</param>
    /// <param name="maxHeldConnections">The options' <see cref="Engine.ProxyOptions.MaxHeldConnections"/>.</param>
    /// <param name="maxHeldUdpBytes">The options' <see cref="Engine.ProxyOptions.MaxHeldUdpBytes"/>.</param>
    public ProxyLimits(int maxConnections, int maxHeldConnections, long maxHeldUdpBytes, ILogger logger)
    {
        Connections = new ConnectionSlots(EffectiveMaxConnections(maxConnections), logger);
        HeldConnections = new HeldFlows("connections", maxHeldConnections, long.MaxValue, logger);
        HeldDatagrams = new HeldFlows("UDP bytes", int.MaxValue, maxHeldUdpBytes, logger);
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
