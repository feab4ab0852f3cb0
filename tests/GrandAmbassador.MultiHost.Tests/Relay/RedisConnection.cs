using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GrandAmbassador.MultiHost.Tests.Relay;

/// <summary>
/// One Redis connection as an application's client holds it: commands sent as RESP arrays, each reply read whole
/// (a status, an error, an integer or a bulk string). Over a plain socket, or over any stream (a relay's TLS stream).
/// </summary>
internal sealed class RedisConnection : IAsyncDisposable
{
    /// <summary>A hang guard for one command, not a timing assertion: a held connection may wait for a container or a host for long.</summary>
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(120);

    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    public RedisConnection(Stream stream) => _stream = stream;

    public static async Task<RedisConnection> OpenAsync(IPEndPoint target)
    {
        var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await socket.ConnectAsync(target, guard.Token);
            return new RedisConnection(new NetworkStream(socket, ownsSocket: true));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends one command and reads its reply: <c>+PONG</c>, <c>+OK</c>, <c>-ERR …</c>, <c>:3</c>, or a bulk string's text.</summary>
    public async Task<string> CommandAsync(params string[] args)
    {
        using var guard = new CancellationTokenSource(Guard);
        await SendAsync(args, guard.Token);
        return await ReadReplyAsync(guard.Token);
    }

    public async Task SendAsync(string[] args, CancellationToken cancellationToken)
    {
        var command = new StringBuilder().Append(CultureInfo.InvariantCulture, $"*{args.Length}\r\n");
        foreach (var arg in args)
        {
            command.Append(CultureInfo.InvariantCulture, $"${Encoding.UTF8.GetByteCount(arg)}\r\n{arg}\r\n");
        }

        await _stream.WriteAsync(Encoding.UTF8.GetBytes(command.ToString()), cancellationToken);
        await _stream.FlushAsync(cancellationToken);
    }

    public async Task<string> ReadReplyAsync(CancellationToken cancellationToken)
    {
        var line = await ReadLineAsync(cancellationToken);
        if (!line.StartsWith('$'))
        {
            return line;
        }

        var length = int.Parse(line.AsSpan(1), CultureInfo.InvariantCulture);
        if (length < 0)
        {
            return "(nil)";
        }

        var bulk = await ReadBytesAsync(length + 2, cancellationToken);
        return Encoding.UTF8.GetString(bulk, 0, length);
    }

    public ValueTask DisposeAsync() => _stream.DisposeAsync();

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline > _start && _buffer[newline - 1] == '\r')
            {
                var line = Encoding.UTF8.GetString(_buffer, _start, newline - 1 - _start);
                _start = newline + 1;
                return line;
            }

            await FillAsync(cancellationToken);
        }
    }

    private async Task<byte[]> ReadBytesAsync(int count, CancellationToken cancellationToken)
    {
        var bytes = new byte[count];
        var copied = 0;
        while (copied < count)
        {
            if (_start == _end)
            {
                await FillAsync(cancellationToken);
            }

            var take = Math.Min(count - copied, _end - _start);
            Array.Copy(_buffer, _start, bytes, copied, take);
            _start += take;
            copied += take;
        }

        return bytes;
    }

    private async Task FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            throw new InvalidDataException("a Redis reply longer than 64 KiB");
        }

        var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        if (read == 0)
        {
            throw new EndOfStreamException($"the connection ended ({_end - _start} bytes of a reply read)");
        }

        _end += read;
    }
}
