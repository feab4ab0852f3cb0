using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace GrandAmbassador.Proxy.Tests.Support;

/// <summary>A loopback UDP echo server that also reports who sent each datagram.</summary>
internal sealed class UdpBackend : IAsyncDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly Channel<(IPEndPoint From, byte[] Payload)> _received = Channel.CreateUnbounded<(IPEndPoint, byte[])>();
    private readonly Task _loop;

    public UdpBackend(string id)
    {
        Id = id;
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        EndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _loop = EchoLoopAsync();
    }

    public string Id { get; }

    public IPEndPoint EndPoint { get; }

    /// <summary>The next datagram this backend received, and the proxy session socket it came from.</summary>
    public async Task<(IPEndPoint From, byte[] Payload)> ReceivedAsync() =>
        await _received.Reader.ReadAsync().AsTask().WaitAsync(TestTimeouts.Hang);

    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        await _loop;
    }

    private async Task EchoLoopAsync()
    {
        var buffer = new byte[65_536];
        while (true)
        {
            try
            {
                var result = await _socket.ReceiveFromAsync(buffer.AsMemory(), new IPEndPoint(IPAddress.Any, 0));
                var payload = buffer.AsSpan(0, result.ReceivedBytes).ToArray();
                var from = (IPEndPoint)result.RemoteEndPoint;
                _received.Writer.TryWrite((from, payload));
                await _socket.SendToAsync(payload.AsMemory(), from);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                if (ex is ObjectDisposedException || ex is SocketException { SocketErrorCode: SocketError.OperationAborted })
                {
                    return;
                }
            }
        }
    }
}
