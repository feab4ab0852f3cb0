using System.Net;
using System.Net.Sockets;

namespace GrandAmbassador.Host.Tests.HostRelay;

/// <summary>A container's UDP echo on loopback: every datagram back to whoever sent it.</summary>
internal sealed class UdpEcho : IAsyncDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly Task _loop;

    /// <param name="port">The port to echo on; 0: any free one.</param>
    public UdpEcho(int port = 0)
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
        _loop = EchoLoopAsync();
    }

    public int Port { get; }

    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        await _loop;
    }

    private async Task EchoLoopAsync()
    {
        var buffer = new byte[65_536];
        var from = new IPEndPoint(IPAddress.Any, 0);
        while (true)
        {
            try
            {
                var received = await _socket.ReceiveFromAsync(buffer, from);
                await _socket.SendToAsync(buffer.AsMemory(0, received.ReceivedBytes), received.RemoteEndPoint);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.OperationAborted)
            {
                return;
            }
            catch (SocketException)
            {
                // An ICMP error for an earlier reply (a session that ended): it concerns that peer only.
            }
        }
    }
}
