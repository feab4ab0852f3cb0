using System.Net;

namespace GrandAmbassador.Proxy.Hosting;

/// <summary>Tuning for every <see cref="ServiceProxy"/>; bound through <c>IOptions&lt;ProxyOptions&gt;</c>.</summary>
internal sealed class ProxyOptions
{
    /// <summary>The local address every port listens on. Default: <see cref="IPAddress.Any"/> (all IPv4 interfaces).</summary>
    public IPAddress ListenAddress { get; set; } = IPAddress.Any;

    /// <summary>The TCP accept backlog per port. Default: 512, enough to absorb a burst while a backend restarts.</summary>
    public int ListenBacklog { get; set; } = 512;

    /// <summary>
    /// How long a new connection (or a new UDP session's first datagrams) is held while no destination
    /// accepts it, e.g. while the container restarts. Default: 30 seconds. After that the connection is closed.
    /// </summary>
    public TimeSpan ConnectWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one connect to one backend address may take before the next one is tried. Default: 3 seconds.</summary>
    public TimeSpan ConnectAttemptTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// When every destination refused a held connection, how long to wait before trying them all again if no new
    /// snapshot arrives first (a new snapshot retries at once). Default: 1 second.
    /// </summary>
    public TimeSpan ConnectRetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A UDP session with no datagram either way for this long is closed. Default: 60 seconds.</summary>
    public TimeSpan UdpSessionIdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The most UDP sessions (client endpoints) one port keeps; datagrams from further clients are dropped.
    /// Default: 4096. Each session costs a socket, so this bounds file descriptors per port.
    /// </summary>
    public int UdpMaxSessionsPerPort { get; set; } = 4096;

    /// <summary>
    /// How many datagrams a new UDP session holds while it waits for a destination; later ones are dropped.
    /// Default: 16. Held datagrams are copied, so this bounds memory per waiting client.
    /// </summary>
    public int UdpHeldDatagramsPerSession { get; set; } = 16;

    /// <summary>
    /// The largest TCP read, in bytes; one pooled buffer of this size is rented per read and returned before the
    /// next idle wait, so idle connections hold none. Default: 64 KiB, as YARP and Kestrel use.
    /// </summary>
    public int BufferSize { get; set; } = 64 * 1024;

    /// <summary>Fails fast on settings that would break the relay rather than degrade it.</summary>
    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(ListenAddress);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ListenBacklog);
        ArgumentOutOfRangeException.ThrowIfLessThan(ConnectWait, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectAttemptTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectRetryInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(UdpSessionIdleTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(UdpMaxSessionsPerPort);
        ArgumentOutOfRangeException.ThrowIfNegative(UdpHeldDatagramsPerSession);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BufferSize);
    }
}
