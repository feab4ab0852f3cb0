using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using GrandAmbassador.Integration.Tests.Harness;
using GrandAmbassador.Testing;
using static GrandAmbassador.Integration.Tests.Harness.RunningAmbassador;

namespace GrandAmbassador.Integration.Tests.SingleHost;

/// <summary>
/// Issue 18, PROXY protocol, with a real engine: the target is HAProxy in a container (ga-test/haproxy-pp, built by
/// tests/lab/images/haproxy.sh) bound with accept-proxy, answering each request with the client it learned from the
/// header. It refuses a connection without one, so an answer proves the header arrived. The client connects from
/// 127.0.0.2, which neither the ambassador (127.0.0.1) nor the bridge (172.17.0.1) could be taken for.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class ProxyProtocolTests : IAsyncLifetime
{
    private const string Image = "ga-test/haproxy-pp:latest";
    private const string Client = "127.0.0.2";
    private readonly DockerScope _docker = new("ga-pp");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _docker.DisposeAsync();

    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    public async Task WithTheOption_TheTargetSeesTheClientsAddressAndPort(string version)
    {
        var (name, port) = await RunTargetAsync("who");
        await using var ambassador = await StartAsync("--name", name, "--port", $"{port}:8080", "--proxy-protocol", $"{name}={version}");
        await ambassador.RoutedAsync(name, port);

        var (client, seen) = await AskWhoAsync(new IPEndPoint(IPAddress.Loopback, port));

        Assert.Equal(client.ToString(), seen);
    }

    [Fact]
    public async Task WithTheLabel_TheTargetSeesTheClientsAddressAndPort()
    {
        var (name, port) = await RunTargetAsync("labelled", "--label", "grand-ambassador.proxy-protocol=v2");
        await using var ambassador = await StartAsync("--name", name, "--port", $"{port}:8080");
        await ambassador.RoutedAsync(name, port);

        var (client, seen) = await AskWhoAsync(new IPEndPoint(IPAddress.Loopback, port));

        Assert.Equal(client.ToString(), seen);
    }

    [Fact]
    public async Task BehindHAProxysSendProxyV2_TheTargetSeesTheOriginalClient_AndAClientWithoutAHeaderIsClosedAndCounted()
    {
        var (name, port) = await RunTargetAsync("behind");
        using var refused = new RefusedCounter(name);
        await using var ambassador = await StartAsync("--name", name, "--port", $"{port}:8080", "--accept-proxy", name, "--proxy-protocol", $"{name}=v1");
        await ambassador.RoutedAsync(name, port);
        var front = FreePort.Next();
        await using var balancer = await StartBalancerAsync(front, port);

        var (client, seen) = await AskWhoAsync(new IPEndPoint(IPAddress.Loopback, front));
        Assert.Equal(client.ToString(), seen);

        // Straight to the ambassador, no header: closed, never forwarded (the target would have answered 400 at least).
        using var direct = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await direct.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        await direct.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.0\r\n\r\n"));
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Assert.Equal(string.Empty, await Clients.ReadToEndAsync(direct, guard.Token));
        await refused.WaitForAsync(1);
        await ambassador.Logs.WaitForAsync(line => line.EventId == 601);
    }

    [Fact]
    public async Task StatusJson_ShowsTheNamesSettings_AndTheContainersLabel()
    {
        var (name, port) = await RunTargetAsync("shown", "--label", "grand-ambassador.proxy-protocol=v1");
        var gateway = FreePort.Next();
        await using var ambassador = await StartAsync(
            "--name", name, "--port", $"{port}:8080", "--proxy-protocol", $"{name}=v2", "--accept-proxy", name,
            "--gateway-port", $"{gateway}", "--silo-port", $"{FreePort.Next()}");
        await ambassador.RoutedAsync(name, port);

        // The fronting registration reaches the directory within a second of listening.
        var json = await Eventually.GetAsync(async () =>
        {
            var (code, text, error) = await AmbassadorProcess.RunAsync(TimeSpan.FromSeconds(60), "status", "--json", "--gateway-port", $"{gateway}", name);
            using var parsed = code == 0 ? System.Text.Json.JsonDocument.Parse(text) : null;
            return parsed?.RootElement.GetProperty("names")[0].GetProperty("frontedBy").GetArrayLength() > 0
                ? text
                : throw new InvalidOperationException($"status exited {code}: {text} {error}");
        }, what: "status --json with the fronting ambassador");

        using var status = System.Text.Json.JsonDocument.Parse(json);
        var entry = status.RootElement.GetProperty("names")[0];
        var frontedBy = entry.GetProperty("frontedBy")[0];
        Assert.Equal("v2", frontedBy.GetProperty("proxyProtocol").GetString());
        Assert.True(frontedBy.GetProperty("acceptProxy").GetBoolean());
        Assert.Equal("v1", entry.GetProperty("endpoints")[0].GetProperty("proxyProtocol").GetString());
    }

    private async Task<(string Name, int Port)> RunTargetAsync(string suffix, params string[] options)
    {
        var port = FreePort.Next();
        await _docker.RunAsync(suffix, options, Image);
        return (_docker.Name(suffix), port);
    }

    /// <summary>An HTTP GET from 127.0.0.2; returns the client's own endpoint and the target's answer ("ip:port").</summary>
    private static async Task<(IPEndPoint Client, string Seen)> AskWhoAsync(IPEndPoint target)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Parse(Client), 0));
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(target, guard.Token);
        await socket.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.0\r\n\r\n"), guard.Token);
        var response = await Clients.ReadToEndAsync(socket, guard.Token);
        Assert.StartsWith("HTTP/1.1 200", response);
        return ((IPEndPoint)socket.LocalEndPoint!, response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..].Trim());
    }

    /// <summary>The host's HAProxy (Debian's package) as the load balancer in front: TCP, send-proxy-v2 to the ambassador.</summary>
    private static async Task<RunningProcess> StartBalancerAsync(int front, int ambassador)
    {
        var config = Path.Combine(Path.GetTempPath(), $"ga-pp-haproxy-{front}.cfg");
        await File.WriteAllTextAsync(config, $"""
            global
              maxconn 64
            defaults
              mode tcp
              timeout connect 5s
              timeout client 30s
              timeout server 30s
            frontend front
              bind 127.0.0.1:{front}
              default_backend ambassador
            backend ambassador
              server ambassador 127.0.0.1:{ambassador} send-proxy-v2

            """); // HAProxy refuses a last line without its LF
        var balancer = RunningProcess.Start("/usr/sbin/haproxy", ["-db", "-f", config]);
        try
        {
            // Ready when it accepts; it prints nothing at start in the foreground (but says why it exits).
            await Eventually.GetAsync(
                async () =>
                {
                    if (balancer.HasExited)
                    {
                        throw new InvalidOperationException($"HAProxy exited: {balancer.Dump()}");
                    }

                    using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    await probe.ConnectAsync(new IPEndPoint(IPAddress.Loopback, front));
                    return true;
                },
                TimeSpan.FromSeconds(20),
                what: $"HAProxy listening on {front}");
            return balancer;
        }
        catch
        {
            await balancer.DisposeAsync();
            throw;
        }
        finally
        {
            File.Delete(config); // read at start, or never to be
        }
    }

    /// <summary>
    /// The ambassador's grandambassador.proxy.connections.proxy_header_refused for one name. The instrument is observable
    /// (it reports each open port's running totals when collected): each wait collects and takes the latest totals.
    /// </summary>
    private sealed class RefusedCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _count;
        private long _collecting;

        public RefusedCounter(string name)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "GrandAmbassador.Proxy" && instrument.Name == "grandambassador.proxy.connections.proxy_header_refused")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "name" && tag.Value as string == name)
                    {
                        Interlocked.Add(ref _collecting, value);
                    }
                }
            });
            _listener.Start();
        }

        public Task WaitForAsync(long count) =>
            Eventually.GetAsync(() => Task.FromResult(Collect() == count ? true : throw new InvalidOperationException($"{Interlocked.Read(ref _count)} refused")), what: "the refusal counted");

        /// <summary>The sum over the name's ports and reasons at one collection.</summary>
        private long Collect()
        {
            Interlocked.Exchange(ref _collecting, 0);
            _listener.RecordObservableInstruments();
            Interlocked.Exchange(ref _count, Interlocked.Read(ref _collecting));
            return Interlocked.Read(ref _count);
        }

        public void Dispose() => _listener.Dispose();
    }
}
