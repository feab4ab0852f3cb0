using System.Net.Sockets;
using System.Text.RegularExpressions;
using GrandAmbassador.Testing;

namespace GrandAmbassador.Engines.Tests.Lab;

/// <summary>
/// The README's read-only Docker socket (docs/examples/docker-socket-proxy.cfg) run by a real
/// HAProxy in front of one lab engine's socket (Docker's or Podman's), on a unix socket of the test's own; every request it
/// answered is read back from its log.
/// </summary>
internal sealed partial class ReadOnlySocketProxy : IAsyncDisposable
{
    private readonly RunningProcess _haproxy;
    private readonly string _directory;
    private int _ownRequests;

    private ReadOnlySocketProxy(RunningProcess haproxy, string directory)
    {
        _haproxy = haproxy;
        _directory = directory;
        Client = new HttpClient(new SocketsHttpHandler { ConnectCallback = ConnectAsync }) { BaseAddress = new Uri("http://docker") };
    }

    public string SocketPath => Path.Combine(_directory, "docker.sock");

    /// <summary>What the agent is given as its Docker endpoint.</summary>
    public Uri Endpoint => new("unix://" + SocketPath);

    /// <summary>A plain HTTP client through the proxy, to try what the agent never does.</summary>
    public HttpClient Client { get; }

    /// <summary>Every request the proxy saw since it was ready: its method, its path (query left out) and the status it answered.</summary>
    public IReadOnlyList<(string Method, string Path, int Status)> Requests => [.. AllRequests().Skip(_ownRequests)];

    private IEnumerable<(string Method, string Path, int Status)> AllRequests() =>
        _haproxy.Lines.Select(l => LogLine().Match(l.Line)).Where(m => m.Success)
            .Select(m => (m.Groups["method"].Value, m.Groups["path"].Value, int.Parse(m.Groups["status"].Value, System.Globalization.CultureInfo.InvariantCulture)));

    public static async Task<ReadOnlySocketProxy> StartAsync(LabEngine engine)
    {
        var directory = Directory.CreateTempSubdirectory("ga-eng-socket-").FullName;
        var config = Path.Combine(Repository.Root, "docs", "examples", "docker-socket-proxy.cfg");
        var haproxy = RunningProcess.Start("env", [
            $"GA_PROXY_SOCKET={Path.Combine(directory, "docker.sock")}", $"GA_DOCKER_SOCKET={engine.Socket}", "haproxy", "-db", "-f", config]);
        var proxy = new ReadOnlySocketProxy(haproxy, directory);
        await Eventually.GetAsync(async () => (await proxy.Client.GetAsync(new Uri("/_ping", UriKind.Relative))).EnsureSuccessStatusCode(), what: "the socket proxy");
        // Its own readiness probe is not the agent's: logged as soon as answered (option logasap).
        await haproxy.WaitForAsync(line => line.Contains("\"GET /_ping ", StringComparison.Ordinal) && line.Contains(" 200 ", StringComparison.Ordinal));
        proxy._ownRequests = proxy.AllRequests().Count();
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _haproxy.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    // unix:1 [27/Nov/2026:17:28:07.868] docker engine/engine 0/0/0/8/8 200 2440 - - ---- 1/1/0/0/0 0/0 "GET /info HTTP/1.1"
    [GeneratedRegex("""^\S+ \[[^\]]+\] \S+ \S+ \S+ \+?(?<status>\d{3}) .*"(?<method>[A-Z]+) (?<path>[^ ?"]+)[^ "]* HTTP/1\.1"$""")]
    private static partial Regex LogLine();
}
