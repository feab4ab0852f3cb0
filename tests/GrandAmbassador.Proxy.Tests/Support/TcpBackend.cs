using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace GrandAmbassador.Proxy.Tests.Support;

/// <summary>
/// A loopback TCP server standing in for a container. Each accepted socket is either handed to the test
/// (<see cref="AcceptAsync"/>) or, in echo mode, greeted with the backend's id and echoed until EOF.
/// </summary>
internal sealed class TcpBackend : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly Channel<Socket> _accepted = Channel.CreateUnbounded<Socket>();
    private readonly List<Socket> _sockets = [];
    private readonly bool _echo;
    private readonly bool _greet;
    private readonly Task _acceptLoop;

    private TcpBackend(string id, bool echo, bool greet)
    {
        Id = id;
        _echo = echo;
        _greet = greet;
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(64);
        EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        _acceptLoop = AcceptLoopAsync();
    }

    public string Id { get; }

    public IPEndPoint EndPoint { get; }

    /// <summary>Echoes every byte; half-closes after the client does.</summary>
    public static TcpBackend Echo(string id) => new(id, echo: true, greet: false);

    /// <summary>Sends its id, newline-terminated, then echoes.</summary>
    public static TcpBackend Greeting(string id) => new(id, echo: true, greet: true);

    /// <summary>Hands each accepted socket to the test.</summary>
    public static TcpBackend Manual(string id) => new(id, echo: false, greet: false);

    public async Task<Socket> AcceptAsync() => await _accepted.Reader.ReadAsync().AsTask().WaitAsync(TestTimeouts.Hang);

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        await _acceptLoop;
        lock (_sockets)
        {
            foreach (var socket in _sockets)
            {
                socket.Dispose();
            }
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (_sockets)
            {
                _sockets.Add(socket);
            }

            if (_echo)
            {
                _ = EchoAsync(socket);
            }
            else
            {
                _accepted.Writer.TryWrite(socket);
            }
        }
    }

    private async Task EchoAsync(Socket socket)
    {
        try
        {
            if (_greet)
            {
                await socket.SendAsync(Encoding.ASCII.GetBytes(Id + "\n"));
            }

            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await socket.ReceiveAsync(buffer)) > 0)
            {
                await socket.SendAsync(buffer.AsMemory(0, read));
            }

            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The test closed or reset the connection.
        }
    }
}
