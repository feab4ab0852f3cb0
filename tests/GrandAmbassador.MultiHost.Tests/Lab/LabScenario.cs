using System.Net;
using GrandAmbassador.Testing;

namespace GrandAmbassador.MultiHost.Tests.Lab;

/// <summary>
/// One test's cluster: its own cluster id and container names, the ambassadors it started, and
/// clean-up of all of them, also when the test failed.
/// </summary>
internal sealed class LabScenario : IAsyncDisposable
{
    public const int WebPort = 8080;
    public const int PublishedPort = 18080;
    public const int RedisPort = 6379;
    public const int RedisPublishedPort = 16379;

    private readonly Dictionary<string, RunningProcess> _ambassadors = [];

    // Every process started, also those a test killed and replaced: their logs are evidence too.
    private readonly List<(string Host, RunningProcess Process)> _started = [];

    // Every host the test may have used: a, b, c, and each engine (a mixed cluster) it ran an
    // ambassador or a container on. Their containers are removed at the end; a route names none
    // of them but its targets.
    private readonly HashSet<string> _hosts = [.. MultiHostLab.LabHosts];

    /// <summary>The test's prefix of container names (and its first cluster id).</summary>
    public string Prefix { get; } = $"ga-mh-{Guid.NewGuid().ToString("N")[..8]}";

    public string ClusterId { get; private set; }

    public string Web => $"{Prefix}-web";

    public string Redis => $"{Prefix}-redis";

    public LabScenario() => ClusterId = Prefix;

    public RunningProcess Ambassador(string host) => _ambassadors[host];

    /// <summary>
    /// The TLS options (<c>--tls-cert</c>, <c>--tls-key</c>, <c>--tls-ca</c>) for a host's ambassador; every
    /// ambassador started after it is set gets its host's. Null (the default): no TLS.
    /// </summary>
    public Func<string, string[]>? Tls { get; set; }

    /// <summary>Whether the ambassadors started from now on advertise their host's IPv6 address and reach Redis over IPv6.</summary>
    public bool Ipv6 { get; set; }

    /// <summary>Starts (or restarts) the ambassador of <paramref name="host"/>, fronting <paramref name="names"/>.</summary>
    public RunningProcess StartAmbassador(string host, params string[] names) => StartAmbassador(host, names, []);

    /// <summary>Starts (or restarts) the ambassador of <paramref name="host"/>, fronting <paramref name="names"/>, with more <paramref name="options"/>.</summary>
    public RunningProcess StartAmbassador(string host, string[] names, string[] options)
    {
        _hosts.Add(host);
        var ambassador = MultiHostLab.StartAmbassador(host, ClusterId, Ipv6, [.. names.SelectMany(name => new[] { "--name", name }), .. Tls?.Invoke(host) ?? [], .. options]);
        _ambassadors[host] = ambassador;
        _started.Add((host, ambassador));
        return ambassador;
    }

    /// <summary>SIGKILLs the ambassador of <paramref name="host"/> (a crash); its containers run on.</summary>
    public Task KillAmbassadorAsync(string host) => Ambassador(host).KillAsync();

    /// <summary>
    /// Kills every ambassador and moves the next ones to a new, empty cluster (same containers):
    /// for a test whose stage broke before the test began, so that no dead silo of the first
    /// attempt is in the new cluster's membership.
    /// </summary>
    public async Task StartOverInANewClusterAsync()
    {
        foreach (var ambassador in _ambassadors.Values)
        {
            await ambassador.KillAsync();
        }

        _ambassadors.Clear();
        ClusterId = $"{Prefix}-{_started.Count}";
    }

    /// <summary>
    /// A Redis on <paramref name="host"/> named <see cref="Redis"/>, published on
    /// <see cref="RedisPublishedPort"/>; it tells which host it runs on through
    /// <c>CONFIG GET dbfilename</c> (<c>HOSTID.rdb</c>, see <see cref="RedisProbe"/>).
    /// </summary>
    public Task<string> RunRedisAsync(string host) =>
        MultiHostLab.DockerAsync(host, [
            "run", "-d", "--name", Redis, "--expose", $"{RedisPort}", "-p", $"{RedisPublishedPort}:{RedisPort}",
            "local/redis:7", "/usr/bin/redis-server", "--protected-mode", "no", "--bind", "0.0.0.0",
            "--save", "", "--dbfilename", $"{MultiHostLab.HostId(host)}.rdb"]);

    /// <summary>
    /// A web container on <paramref name="host"/> that serves its host's name, published on
    /// <see cref="PublishedPort"/>, and shuts down gracefully (2 s) on <c>docker stop</c>.
    /// </summary>
    public Task<string> RunWebAsync(string host, string? name = null, bool publish = true, int port = WebPort)
    {
        _hosts.Add(host);
        return MultiHostLab.DockerAsync(host, [
            "run", "-d", "--name", name ?? Web, "--expose", $"{port}",
            .. publish ? new[] { "-p", $"{PublishedPort}:{port}" } : [],
            "ga-test/busybox:latest", "sh", "-c",
            $"mkdir -p /tmp/www && echo {MultiHostLab.HostId(host)} > /tmp/www/index.html && " +
            $"trap 'sleep 2; exit 0' TERM; httpd -f -p {port} -h /tmp/www & wait"]);
    }

    /// <summary>
    /// The usual stage: the web container on each of <paramref name="webHosts"/>, agents on a and b,
    /// host c's ambassador fronting the web name, and c already routing to exactly those hosts.
    /// </summary>
    public async Task FrontWebFromHostCAsync(params string[] webHosts)
    {
        foreach (var host in webHosts)
        {
            await RunWebAsync(host);
        }

        StartAmbassador("a");
        StartAmbassador("b");
        StartAmbassador("c", Web);
        await RoutedToAsync("c", webHosts);
    }

    /// <summary>Where a client reaches <paramref name="host"/>'s ambassador for the web port.</summary>
    public static IPEndPoint Through(string host) => new(IPAddress.Parse(MultiHostLab.Address(host)), WebPort);

    /// <summary>Waits until <paramref name="host"/>'s ambassador routes the web port exactly to these hosts' published ports.</summary>
    public Task<(DateTime At, string Line)> RoutedToAsync(string host, string[] targets, DateTime since = default) =>
        RoutedToAsync(host, Web, WebPort, PublishedPort, targets, since);

    /// <summary>Waits until <paramref name="host"/>'s ambassador routes <paramref name="name"/>'s port exactly to these hosts' published port.</summary>
    public Task<(DateTime At, string Line)> RoutedToAsync(string host, string name, int port, int publishedPort, string[] targets, DateTime since = default)
    {
        var wanted = targets.Select(t => $"{MultiHostLab.Address(t)}:{publishedPort}").ToArray();
        var others = _hosts.Except(targets).Select(t => $"{MultiHostLab.Address(t)}:{publishedPort}").ToArray();
        return Ambassador(host).WaitForAsync(
            line => line.Contains($"{name}: {port}/tcp -> ", StringComparison.Ordinal)
                && wanted.All(w => line.Contains(w, StringComparison.Ordinal))
                && others.All(o => !line.Contains(o, StringComparison.Ordinal)),
            since);
    }

    /// <summary>
    /// One step of a rolling redeploy of the web name, as an operator makes it: the new container on
    /// <paramref name="to"/> (unless <paramref name="startNew"/> is false: it runs already), host c
    /// routing to both; with <paramref name="drain"/>, <c>grand-ambassador drain</c> of the old one
    /// (run on c, confirmed by c); then the old one on <paramref name="from"/> stopped and removed,
    /// and c routing to <paramref name="to"/> only. Returns how long the drain took and what it said.
    /// </summary>
    public async Task<(TimeSpan Took, string Said)?> RedeployAsync(string from, string to, bool drain, bool startNew = true)
    {
        if (startNew)
        {
            await RunWebAsync(to);
        }

        await RoutedToAsync("c", [from, to]);
        (TimeSpan, string)? drained = null;
        if (drain)
        {
            var started = DateTime.UtcNow;
            var (exitCode, said, error) = await MultiHostLab.CommandAsync(
                "c", ClusterId, "drain", Web, "--host", MultiHostLab.HostId(from), "--timeout", "30");
            Assert.True(exitCode == 0, $"drain exited {exitCode}: {said} {error}");
            Assert.Contains($"confirmed by {MultiHostLab.HostId("c")} ({Web})", said, StringComparison.Ordinal);
            drained = (DateTime.UtcNow - started, said.Trim());
        }

        await MultiHostLab.DockerAsync(from, "stop", "-t", "10", Web);
        await MultiHostLab.DockerAsync(from, "rm", Web);
        await RoutedToAsync("c", [to]);
        return drained;
    }

    public string Logs() => string.Join(
        Environment.NewLine + Environment.NewLine,
        _started.Select((started, i) => $"--- ambassador on {started.Host} (process {i + 1}) ---{Environment.NewLine}{started.Process.Dump()}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, ambassador) in _started)
        {
            await ambassador.DisposeAsync();
        }

        await MultiHostLab.RemoveContainersAsync(Prefix, _hosts);
    }
}
