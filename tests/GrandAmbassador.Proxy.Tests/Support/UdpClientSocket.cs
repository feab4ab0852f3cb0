using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GrandAmbassador.Proxy.Tests.Support;

/// <summary>A client UDP socket connected to a proxy port.</summary>
internal sealed class UdpClientSocket : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    public UdpClientSocket(int port, IPAddress? source = null)
    {
        if (source is not null)
        {
            _socket.Bind(new IPEndPoint(source, 0));
        }

        _socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public async Task SendAsync(byte[] payload) => await _socket.SendAsync(payload.AsMemory());

    public Task SendAsync(string text) => SendAsync(Encoding.ASCII.GetBytes(text));

    public async Task<byte[]> ReceiveAsync()
    {
        var buffer = new byte[65_536];
        var read = await _socket.ReceiveAsync(buffer.AsMemory()).AsTask().WaitAsync(TestTimeouts.Hang);
        return buffer.AsSpan(0, read).ToArray();
    }

    public async Task<string> ReceiveTextAsync() => Encoding.ASCII.GetString(await ReceiveAsync());

    public void Dispose() => _socket.Dispose();
}
