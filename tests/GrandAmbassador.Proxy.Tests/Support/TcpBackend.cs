using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace GrandAmbassador.Proxy.Tests.Support;

/// <summary>
/// A loopback TCP server standing in for a container. Each accepted socket is either handed to the test
/// (<see cref="AcceptAsync"/>) or, in echo mode, greeted with the backend's id and echoed until EOF; echo
/// mode counts the connections it has open (<see cref="Open"/>) and the most it ever had at once (<see cref="Peak"/>).
/// </summary>
internal sealed class TcpBackend : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly Channel<Socket> _accepted = Channel.CreateUnbounded<Socket>();
    private readonly List<Socket> _sockets = [];
    private readonly bool _echo;
    private readonly bool _greet;
    private readonly Task _acceptLoop;
    private int _open;
    private int _peak;

    private TcpBackend(string id, bool echo, bool greet)
    {
        Id = id;
        _echo = echo;
        _greet = greet;
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(4096); // the limit tests connect thousands at once
        EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        _acceptLoop = AcceptLoopAsync();
    }

    public string Id { get; }

    public IPEndPoint EndPoint { get; }

    /// <summary>Echoed connections not yet closed by their client (echo modes only).</summary>
    public int Open => Volatile.Read(ref _open);

    /// <summary>The most echoed connections ever open at once (echo modes only).</summary>
    public int Peak => Volatile.Read(ref _peak);

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
                CountOpened();
                _ = EchoAsync(socket);
            }
            else
            {
                _accepted.Writer.TryWrite(socket);
            }
        }
    }

    private void CountOpened()
    {
        var open = Interlocked.Increment(ref _open);
        int peak;
        while (open > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, open, peak) != peak)
        {
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

            while (true)
            {
                // Idle without a buffer (a zero-byte read), so thousands of idle connections stay cheap.
                await socket.ReceiveAsync(Memory<byte>.Empty);
                var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
                try
                {
                    var read = await socket.ReceiveAsync(buffer.AsMemory());
                    if (read == 0)
                    {
                        break;
                    }

                    await socket.SendAsync(buffer.AsMemory(0, read));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }

            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The test closed or reset the connection.
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }
}
