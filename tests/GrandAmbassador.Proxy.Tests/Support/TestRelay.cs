using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using GrandAmbassador.Proxy.HostRelay;
using GrandAmbassador.Proxy.HostRelay.Mux;
using GrandAmbassador.Proxy.Routing;
using GrandAmbassador.Proxy.Tcp;

namespace GrandAmbassador.Proxy.Tests.Support;

/// <summary>
/// A host relay's TLS end on loopback, built from the product's own link (<see cref="MuxLink"/>) and copier
/// (<see cref="StreamCopier"/>): what the executable's relay adds on top (the agent's reports, certificates from the
/// cluster CA) is tested in the executable's and the lab's tests. Containers are whatever <see cref="Expose"/> maps an
/// id to; any other id is refused as the real relay refuses what its agent does not report.
/// </summary>
internal sealed class TestRelay : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, IPEndPoint> _containers = new(StringComparer.Ordinal);
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly X509Certificate2 _certificate = TestCertificates.SelfSigned("test-relay");
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _work = [];
    private int _links;

    public TestRelay()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(64);
        _work.Add(AcceptAsync());
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    /// <summary>TLS links accepted so far.</summary>
    public int Links => Volatile.Read(ref _links);

    /// <summary>The ambassador's links to relays, trusting this relay's self-signed certificate.</summary>
    public static RelayLinks ClientLinks() => new(
        new SslClientAuthenticationOptions
        {
            TargetHost = "grand-ambassador",
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        },
        TimeSpan.FromSeconds(3));

    /// <summary>Makes <paramref name="containerId"/> a container this relay reports, at <paramref name="address"/>.</summary>
    public void Expose(string containerId, IPEndPoint address) => _containers[containerId] = address;

    /// <summary>A destination on "another host" behind this relay.</summary>
    public Destination Destination(string backendId, string containerId, int port = 6379) =>
        new(backendId, [EndPoint], Relay: new RelayHop("host-a", "svc", containerId, port));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await Task.WhenAll(_work.ToArray()).WaitAsync(TestTimeouts.Hang).ContinueWith(_ => { }, TaskScheduler.Default);
        _certificate.Dispose();
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket peer;
            try
            {
                peer = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            lock (_work)
            {
                _work.Add(ServeAsync(peer));
            }
        }
    }

    private async Task ServeAsync(Socket peer)
    {
        await using var tls = new SslStream(new NetworkStream(peer, ownsSocket: true));
        try
        {
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, _stop.Token);
            var magic = new byte[4];
            await tls.ReadExactlyAsync(magic, _stop.Token);
            Assert.Equal(MuxLink.Magic.ToArray(), magic);
            Interlocked.Increment(ref _links);
            await using var link = new MuxLink(tls, (opened, stream, body) => _ = ServeStreamAsync(stream, body));
            await link.RunAsync().WaitAsync(_stop.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or System.Security.Authentication.AuthenticationException)
        {
        }
    }

    private async Task ServeStreamAsync(MuxStream stream, ReadOnlyMemory<byte> body)
    {
        var (request, problem) = RelayWire.ParseRequest(body.Span);
        if (request is null || !_containers.TryGetValue(request.Container, out var address))
        {
            stream.SendReply(new RelayReply(RelayVerdict.NotReported, problem ?? $"no container {request!.Container}"));
            stream.Dispose();
            return;
        }

        var container = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await container.ConnectAsync(address);
        }
        catch (SocketException)
        {
            stream.SendReply(new RelayReply(RelayVerdict.Unreachable, "refused"));
            stream.Dispose();
            container.Dispose();
            return;
        }

        stream.SendReply(RelayReply.Go);
        var done = new TaskCompletionSource();
        var remaining = 2;
        void Completed(StreamCopier _)
        {
            if (Interlocked.Decrement(ref remaining) == 0)
            {
                done.TrySetResult();
            }
        }

        var link = CopyEnd.Of(stream);
        var socket = CopyEnd.Of(container);
        new StreamCopier(link, socket, 64 * 1024, Completed).Start();
        new StreamCopier(socket, link, 64 * 1024, Completed).Start();
        await done.Task;
        container.Dispose();
        await stream.DisposeAsync();
    }
}
