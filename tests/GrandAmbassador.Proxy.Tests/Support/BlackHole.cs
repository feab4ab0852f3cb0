using System.Net;
using System.Net.Sockets;

namespace GrandAmbassador.Proxy.Tests.Support;

/// <summary>
/// A loopback address where connects hang: a listener that never accepts, with its accept queue filled, so
/// that Linux drops further SYNs instead of answering them.
/// </summary>
internal sealed class BlackHole : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly List<Socket> _fillers = [];

    private BlackHole()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(0);
        EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
    }

    public IPEndPoint EndPoint { get; }

    public static async Task<BlackHole> CreateAsync()
    {
        var hole = new BlackHole();
        try
        {
            // Connect until one connect no longer completes: from then on the queue is full.
            for (var i = 0; i < 16; i++)
            {
                var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                hole._fillers.Add(filler);
                var connect = filler.ConnectAsync(hole.EndPoint);
                if (await Task.WhenAny(connect, Task.Delay(TimeSpan.FromMilliseconds(300))) != connect)
                {
                    return hole;
                }
            }
        }
        catch
        {
            hole.Dispose();
            throw;
        }

        hole.Dispose();
        throw new InvalidOperationException("Could not fill the accept queue; connects would not hang.");
    }

    public void Dispose()
    {
        foreach (var filler in _fillers)
        {
            filler.Dispose();
        }

        _listener.Dispose();
    }
}
