using System.Buffers;
using System.Net.Sockets;
using GrandAmbassador.Proxy.Engine;
using GrandAmbassador.Proxy.Routing;

namespace GrandAmbassador.Proxy.Tcp;

/// <summary>
/// The start of a new connection of a name in <see cref="ProxyOptions.RetryBeforeFirstByteNames"/>, before the two
/// copy loops: until the backend sends its first byte, the client's bytes are forwarded and also kept. A backend that
/// resets, or closes while the client's side is still open, before that byte and within
/// <see cref="ProxyOptions.RetryBeforeFirstByteWindow"/> of its connect, is replaced by another destination, which is
/// sent the kept bytes verbatim. Once the backend speaks, the window passes or the client has sent
/// <see cref="ReplayLimit"/> bytes, the guard hands the backend over to the copy loops and keeps nothing.
/// </summary>
/// <remarks>
/// Async code with a buffer and a few tasks per connection: only opted-in names pay for it, once per connection.
/// Reads here use a buffer, never splice, so every byte the backend was sent is still in <see cref="_kept"/>.
/// </remarks>
internal sealed class FirstByteGuard : IAsyncDisposable
{
    /// <summary>
    /// The most client bytes kept for a replay: a request line and headers, a command, a TLS ClientHello fit. A client
    /// that sends more before the backend's first byte is streaming (an upload), and is never retried.
    /// </summary>
    public const int ReplayLimit = 16 * 1024;

    /// <summary>
    /// Replacements per connection; each other destination is tried at most once anyway. Three cover a replica or two
    /// restarting; a rollout that broke every replica should not keep each client waiting through all of them.
    /// </summary>
    public const int MaxRetries = 3;

    private readonly TcpConnection _connection;
    private readonly Socket _client;
    private readonly PortContext _context;
    private readonly CancellationTokenSource _clientReadEnded;
    private readonly byte[] _kept = ArrayPool<byte>.Shared.Rent(ReplayLimit);
    private readonly byte[] _peek = new byte[1];
    private readonly List<string> _tried = new(MaxRetries + 1);
    private Task<int>? _clientRead;
    private int _keptCount;
    private bool _clientEnded;

    public FirstByteGuard(TcpConnection connection, Socket client, PortContext context, CancellationToken cancellationToken)
    {
        _connection = connection;
        _client = client;
        _context = context;
        _clientReadEnded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    }

    /// <summary>How a backend's wait for its first byte ended.</summary>
    private enum Ending
    {
        /// <summary>It sent a byte (still unread: the copy loop relays it).</summary>
        Spoke,

        /// <summary>The window passed or the replay buffer filled: the guard stops watching.</summary>
        Passed,

        /// <summary>It closed (FIN) first; the end-of-stream is still unread.</summary>
        Closed,

        /// <summary>It reset first, or a send to it failed; the error is consumed.</summary>
        Reset,

        /// <summary>The client reset, or the connection was aborted: nothing to relay.</summary>
        Gone,
    }

    /// <summary>Watches <paramref name="first"/>, adopted by the connection already, and its replacements.</summary>
    /// <returns>The backend the copy loops relay to from here on; <see langword="null"/> when the connection ended here.</returns>
    public async Task<Socket?> RunAsync(DialResult first)
    {
        var (backend, destination) = (first.Socket!, first.Destination!);
        var replay = false;
        while (true)
        {
            _tried.Add(destination.BackendId);
            var connected = _context.TimeProvider.GetTimestamp();
            var ending = await WatchAsync(backend, destination, replay).ConfigureAwait(false);
            var retryable = ending == Ending.Reset || (ending == Ending.Closed && !_clientEnded);
            if (ending == Ending.Gone || _connection.IsAborted)
            {
                return null;
            }

            if (!retryable || _keptCount == ReplayLimit || _tried.Count > MaxRetries)
            {
                return await PassOnAsync(backend, ending).ConfigureAwait(false);
            }

            var next = await _context.Dialer.DialAnotherAsync(_tried, _clientReadEnded.Token).ConfigureAwait(false);
            if (!next.Connected)
            {
                return await PassOnAsync(backend, ending).ConfigureAwait(false);
            }

            _context.Counts.RetriedBeforeFirstByte.Add(1);
            TcpLog.RetriedBeforeFirstByte(_context.Logger, _context.Port, destination.BackendId, ending == Ending.Reset ? "reset" : "closed",
                _context.TimeProvider.GetElapsedTime(connected), _keptCount, next.Destination.BackendId, next.Address);
            var adopted = _connection.TryAdopt(next);
            backend.Dispose();
            if (!adopted)
            {
                return null;
            }

            // DialAnotherAsync offers no destination behind a TLS relay (a stream, not a socket): a socket it is.
            (backend, destination, replay) = (next.Socket!, next.Destination, true);
        }
    }

    /// <summary>Waits for the backend's first byte while forwarding (and keeping) what the client sends.</summary>
    private async Task<Ending> WatchAsync(Socket backend, Destination destination, bool replay)
    {
        // A replacement is a new connection to its backend: it gets the PROXY header (if any) before the replay.
        if (replay && (!await _connection.SendProxyHeaderAsync(backend, destination).ConfigureAwait(false)
            || !await SendAsync(backend, _kept.AsMemory(0, _keptCount)).ConfigureAwait(false) || (_clientEnded && !ShutdownSend(backend))))
        {
            return Ending.Reset;
        }

        using var window = new CancellationTokenSource(_context.Options.RetryBeforeFirstByteWindow, _context.TimeProvider);

        // A peek: the byte (or the end-of-stream) stays for the copy loop; only a reset is consumed by reading it.
        var firstByte = backend.ReceiveAsync(_peek, SocketFlags.Peek, window.Token).AsTask();
        while (true)
        {
            if (_clientRead is null && !_clientEnded)
            {
                _clientRead = _client.ReceiveAsync(_kept.AsMemory(_keptCount, ReplayLimit - _keptCount), SocketFlags.None, _clientReadEnded.Token).AsTask();
            }

            if (_clientRead is null || await Task.WhenAny(firstByte, _clientRead).ConfigureAwait(false) == firstByte)
            {
                return await EndingOfAsync(firstByte).ConfigureAwait(false);
            }

            int read;
            try
            {
                read = await _clientRead.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                // The client reset, the connection was aborted, or its port closed: nothing left to relay.
                _connection.Abort();
                await StopWatchingAsync(window, firstByte).ConfigureAwait(false);
                return Ending.Gone;
            }

            _clientRead = null;
            if (read == 0 && _connection.IsAborted)
            {
                // Not the client's FIN: an abort shut the client socket down before resetting the backend, and a FIN
                // passed on now would reach the backend ahead of its reset.
                await StopWatchingAsync(window, firstByte).ConfigureAwait(false);
                return Ending.Gone;
            }

            if (read == 0)
            {
                // The client half-closed: pass it on, as the copy loop would; a replay passes it on too.
                _clientEnded = true;
                if (!ShutdownSend(backend))
                {
                    await StopWatchingAsync(window, firstByte).ConfigureAwait(false);
                    return Ending.Reset;
                }

                continue;
            }

            var sent = await SendAsync(backend, _kept.AsMemory(_keptCount, read)).ConfigureAwait(false);
            _keptCount += read;
            if (!sent || _keptCount == ReplayLimit)
            {
                // A failed send means the backend is gone: the peek says how. A full buffer ends the guard.
                if (sent)
                {
                    window.Cancel();
                }

                return await EndingOfAsync(firstByte).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The copy loops take over <paramref name="backend"/> as a connection without the option would have it: a close
    /// is relayed by them (its end-of-stream is unread); a reset, consumed by the peek, is passed on here.
    /// </summary>
    private async Task<Socket?> PassOnAsync(Socket backend, Ending ending)
    {
        if (ending == Ending.Reset)
        {
            _connection.Abort();
            return null;
        }

        // A client read still pending here may hold bytes; they go to the backend before the upstream copy loop starts.
        _clientReadEnded.Cancel();
        if (_clientRead is { } pending)
        {
            _clientRead = null;
            try
            {
                var read = await pending.ConfigureAwait(false);
                if (read == 0 && !_connection.IsAborted)
                {
                    ShutdownSend(backend);
                }
                else if (!await SendAsync(backend, _kept.AsMemory(_keptCount, read)).ConfigureAwait(false))
                {
                    _connection.Abort();
                    return null;
                }
                else
                {
                    _keptCount += read;
                }
            }
            catch (OperationCanceledException)
            {
                // Nothing was read: the copy loop reads it.
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                _connection.Abort();
                return null;
            }
        }

        return _connection.IsAborted ? null : backend;
    }

    private static async Task<Ending> EndingOfAsync(Task<int> firstByte)
    {
        try
        {
            return await firstByte.ConfigureAwait(false) > 0 ? Ending.Spoke : Ending.Closed;
        }
        catch (OperationCanceledException)
        {
            return Ending.Passed;
        }
        catch (ObjectDisposedException)
        {
            return Ending.Gone;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.OperationAborted)
        {
            return Ending.Gone;
        }
        catch (SocketException)
        {
            return Ending.Reset;
        }
    }

    private static async Task StopWatchingAsync(CancellationTokenSource window, Task<int> firstByte)
    {
        window.Cancel();
        await ((Task)firstByte).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private static async Task<bool> SendAsync(Socket backend, ReadOnlyMemory<byte> bytes)
    {
        // Not bounded by the window: a send cut short would leave the backend with part of the bytes. At most
        // ReplayLimit bytes are sent here, which the socket buffers take at once.
        try
        {
            while (!bytes.IsEmpty)
            {
                bytes = bytes[await backend.SendAsync(bytes, SocketFlags.None).ConfigureAwait(false)..];
            }

            return true;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    private static bool ShutdownSend(Socket backend)
    {
        try
        {
            backend.Shutdown(SocketShutdown.Send);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>The client's bytes the guard passed to a backend (each once, replays not counted): relayed upstream.</summary>
    public int Forwarded => _keptCount;

    /// <summary>Returns the buffer once no read can write into it any more.</summary>
    public async ValueTask DisposeAsync()
    {
        _clientReadEnded.Cancel();
        if (_clientRead is { } pending)
        {
            await ((Task)pending).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _clientReadEnded.Dispose();
        ArrayPool<byte>.Shared.Return(_kept);
    }
}
