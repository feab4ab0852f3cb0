using System.Collections.Frozen;
using System.Net;
using GrandAmbassador.Proxy.Routing;

namespace GrandAmbassador.Proxy.Engine;

/// <summary>Tuning for every <see cref="ServiceProxy"/>; bound through <c>IOptions&lt;ProxyOptions&gt;</c>.</summary>
internal sealed class ProxyOptions
{
    /// <summary>The local address every port listens on. Default: <see cref="IPAddress.Any"/> (all IPv4 interfaces).</summary>
    public IPAddress ListenAddress { get; set; } = IPAddress.Any;

    /// <summary>
    /// Sockets bound before the proxies existed (see <see cref="PreboundSockets"/>); a listener takes its port's
    /// over. Not a setting: the process's start-up fills it.
    /// </summary>
    public PreboundSockets Prebound { get; set; } = new();

    /// <summary>The TCP accept backlog per port. Default: 512, enough to absorb a burst while a backend restarts.</summary>
    public int ListenBacklog { get; set; } = 512;

    /// <summary>
    /// The TLS links to other hosts' relays (one per relay, multiplexed), made with the cluster's certificate; <see langword="null"/>:
    /// relays are plaintext (<c>--relay-insecure</c>), a TCP connection per relayed connection. Only destinations with a
    /// <see cref="Routing.RelayHop"/> use it.
    /// </summary>
    public HostRelay.Mux.RelayLinks? RelayLinks { get; set; }

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
    /// The most UDP sessions (client endpoints) one port keeps; a new client past it takes the place of the session
    /// used least recently. Default: 4096. Each session costs a socket, so this bounds file descriptors per port.
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

    /// <summary>
    /// Whether a TCP direction that moves bulk data (a read filled <see cref="BufferSize"/>) relays with splice(2)
    /// through a pipe of its own, socket to socket inside the kernel, instead of copying through a buffer. Linux only
    /// (elsewhere, or where splice is refused, the copy loop). A spliced direction holds two more descriptors (its
    /// pipe) while the connection lasts, beyond the two per connection <see cref="MaxConnections"/> reckons with; a
    /// pipe that cannot be had (out of descriptors) leaves the direction on the copy loop. Default: on (the executable
    /// reads <c>GRAND_AMBASSADOR_SPLICE=0</c> to turn it off, for an A/B of one build).
    /// </summary>
    public bool Splice { get; set; } = true;

    /// <summary>
    /// What relays TCP connections once connected and UDP datagrams: <see cref="DataPath.EventLoop"/> (Linux on x86-64; elsewhere it
    /// falls back, with a warning, to the sockets path) or <see cref="DataPath.Sockets"/>. Default: the event loop (the
    /// executable reads <c>GRAND_AMBASSADOR_DATA_PATH=sockets</c> to choose the sockets path, for an A/B of one build).
    /// </summary>
    public DataPath DataPath { get; set; } = DataPath.EventLoop;

    /// <summary>
    /// How many event loops (threads) relay TCP connections and datagrams on the event-loop path, made once per process by whichever
    /// proxy needs them first. Default: one per core (the executable reads <c>GRAND_AMBASSADOR_EVENT_LOOPS</c>).
    /// </summary>
    public int EventLoops { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// The pipe size asked for a spliced direction (its two descriptors stay open while the connection lasts; pages
    /// are held only while data waits in it). The kernel may give less: <c>/proc/sys/fs/pipe-max-size</c> (1 MiB by
    /// default), and for a user without CAP_SYS_RESOURCE, once all their pipes together pass
    /// <c>/proc/sys/fs/pipe-user-pages-soft</c> (64 MiB), new pipes get 8 KiB: still correct, only slower.
    /// Default: 256 KiB: 1 MiB (Go's choice) measured no different in two A/B runs, and a smaller pipe leaves four
    /// times as many bulk directions within that quota (the executable reads <c>GRAND_AMBASSADOR_SPLICE_PIPE</c>, for an A/B).
    /// </summary>
    public int SplicePipeSize { get; set; } = 256 * 1024;

    /// <summary>
    /// The most TCP connections open at once, held ones included, across every fronted name and port of the process.
    /// At the limit the proxy stops accepting, and the kernel's accept backlog (<see cref="ListenBacklog"/> per port)
    /// holds the next clients until a connection closes. Default: 0, which derives the limit from the open-file limit
    /// (each connection costs two descriptors; 1,024 stay free for everything else), so that the proxy pauses before
    /// the process runs out of descriptors instead of failing accepts.
    /// </summary>
    public int MaxConnections { get; set; }

    /// <summary>
    /// A TCP connection with no byte either way for this long is closed (a FIN both ways). Default: off
    /// (<see cref="TimeSpan.Zero"/>): database pools and subscribers keep connections silent for hours, and Redis and
    /// PostgreSQL themselves time out nothing by default; a proxy stricter than the server it fronts breaks them.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// A TCP connection one side has closed (FIN) while the other keeps its half open, with no byte since for this
    /// long, is closed. Default: 5 minutes, long enough for a server finishing a reply after the client's FIN,
    /// short enough that half-dead connections do not pile up; <see cref="TimeSpan.Zero"/> turns it off.
    /// </summary>
    public TimeSpan HalfCloseTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The most TCP connections held (waiting for a destination) at once across the process; past it the oldest is
    /// closed. Default: 10,000, the burst of a busy name over a 30-second restart, and a bounded number of descriptors.
    /// </summary>
    public int MaxHeldConnections { get; set; } = 10_000;

    /// <summary>
    /// The most bytes of UDP datagrams held (copied while their sessions wait for a destination) across the process;
    /// past it the sessions that have waited longest are dropped with their datagrams. Default: 64 MiB.
    /// </summary>
    public long MaxHeldUdpBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// On shutdown (<see cref="ServiceProxy.DrainAsync"/>), how long open TCP connections may go on before they are
    /// closed with a FIN. Default: 10 seconds, as <c>docker stop</c> waits.
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The fronted names whose new TCP connections may be replayed to another destination when their backend resets,
    /// or closes while the client's side is still open, before sending its first byte (<c>--retry-before-first-byte</c>).
    /// Only for protocols where sending the client's first bytes twice is harmless: the first backend may have acted on
    /// them before it went away (docs/behaviour.md says when that is unsafe). Default: none. A name not listed pays
    /// nothing for it: its connections start relaying exactly as before.
    /// </summary>
    public IReadOnlySet<string> RetryBeforeFirstByteNames { get; set; } = FrozenSet<string>.Empty;

    /// <summary>
    /// For <see cref="RetryBeforeFirstByteNames"/>: how long after a connect a backend that goes away without a byte
    /// is still replaced. Default: 2 seconds: a backend that is shutting down or overloaded refuses within
    /// milliseconds, while one that was silent longer has most likely been working on the request, and the client's
    /// bytes are held no longer than this. Not a command-line option; tests shorten it.
    /// </summary>
    public TimeSpan RetryBeforeFirstByteWindow { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The fronted names whose backends are sent a PROXY protocol header ahead of each connection's bytes (and, v2, of
    /// each UDP datagram), naming the client (<c>--proxy-protocol NAME=v1|v2</c>). A container's
    /// <c>grand-ambassador.proxy-protocol</c> label asks the same for its own connections (<see cref="Routing.Destination"/>);
    /// the option wins. Default: none; a name not listed pays nothing for it.
    /// </summary>
    public IReadOnlyDictionary<string, ProxyProtocolVersion> ProxyProtocolNames { get; set; } = FrozenDictionary<string, ProxyProtocolVersion>.Empty;

    /// <summary>
    /// The fronted names whose TCP clients must start with a PROXY protocol header, v1 or v2 (<c>--accept-proxy</c>):
    /// the ambassador sits behind a balancer that sends one. The address in it is the client's from then on; a
    /// connection without a valid header is closed, never forwarded. Default: none.
    /// </summary>
    public IReadOnlySet<string> AcceptProxyNames { get; set; } = FrozenSet<string>.Empty;

    /// <summary>
    /// For <see cref="AcceptProxyNames"/>: how long a client has, from its accept, to send its whole header. Default:
    /// 5 seconds, as HAProxy's <c>timeout client</c> bounds its own wait; a balancer sends the header at once.
    /// </summary>
    public TimeSpan AcceptProxyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>For <see cref="AcceptProxyNames"/>: the longest v2 header taken, TLVs included. Default: 4 KiB.</summary>
    public int AcceptProxyMaxHeader { get; set; } = ProxyProtocol.ProxyHeaderParser.DefaultMaxV2Length;

    /// <summary>
    /// Who may connect to each fronted name and how much one client address may take of it (<c>--allow</c>,
    /// <c>--max-connections-per-client</c>, <c>--connection-rate-per-client</c>), judged on the real client's address
    /// (after <see cref="AcceptProxyNames"/>' header); a name not listed takes the policy under
    /// <see cref="Access.AccessPolicy.EveryName"/>, else is open to all, and its connections pay one field read for it.
    /// Container labels can add to it at run time.
    /// </summary>
    public IReadOnlyDictionary<string, Access.AccessPolicy> Access { get; set; } = FrozenDictionary<string, Access.AccessPolicy>.Empty;

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
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(EventLoops);
        ArgumentOutOfRangeException.ThrowIfLessThan(SplicePipeSize, 4096);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxConnections);
        ArgumentOutOfRangeException.ThrowIfLessThan(IdleTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(HalfCloseTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxHeldConnections);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxHeldUdpBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(DrainTimeout, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(RetryBeforeFirstByteNames);
        ArgumentNullException.ThrowIfNull(Access);
        foreach (var policy in Access.Values)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(policy.MaxConnectionsPerClient);
        }
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RetryBeforeFirstByteWindow, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(ProxyProtocolNames);
        ArgumentNullException.ThrowIfNull(AcceptProxyNames);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(AcceptProxyTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(AcceptProxyMaxHeader, ProxyProtocol.ProxyHeaderParser.V2FixedLength + 36);
    }
}
