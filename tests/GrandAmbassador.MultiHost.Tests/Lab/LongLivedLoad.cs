using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GrandAmbassador.MultiHost.Tests.Lab;

/// <summary>
/// Long-lived client connections through the ambassador, the way an application's Redis pool
/// holds them: each of <c>connections</c> sends <c>PING</c> every <c>interval</c> on the SAME
/// connection and counts what went wrong. A broken connection is counted once (reset or closed)
/// and replaced, so that the load goes on and the time to recover can be read from the record.
/// </summary>
internal sealed class LongLivedLoad : IAsyncDisposable
{
    /// <summary>A request unanswered for this long has failed (a hang guard: a cut network stalls requests for seconds, and that is allowed).</summary>
    public static readonly TimeSpan RequestGuard = TimeSpan.FromSeconds(30);

    private static readonly byte[] Ping = Encoding.ASCII.GetBytes("PING\r\n");
    private static readonly byte[] Pong = Encoding.ASCII.GetBytes("+PONG\r\n");

    private readonly IPEndPoint _target;
    private readonly TimeSpan _interval;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _allAnswered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task[] _workers;
    private readonly long[] _lastAnsweredTicks;
    private int _firstAnswers;
    private int _sent;
    private int _answered;
    private int _opened;
    private long _slowestTicks;

    private LongLivedLoad(IPEndPoint target, int connections, TimeSpan interval)
    {
        _target = target;
        _interval = interval;
        Connections = connections;
        Started = DateTime.UtcNow;
        _lastAnsweredTicks = new long[connections];
        _workers = [.. Enumerable.Range(0, connections).Select(i => Task.Run(() => WorkAsync(i)))];
    }

    public int Connections { get; }

    public DateTime Started { get; }

    public DateTime? Stopped { get; private set; }

    public int Sent => Volatile.Read(ref _sent);

    public int Answered => Volatile.Read(ref _answered);

    /// <summary>Connections opened in all: <see cref="Connections"/> plus one per replacement.</summary>
    public int Opened => Volatile.Read(ref _opened);

    /// <summary>The longest a request waited for its answer.</summary>
    public TimeSpan Slowest => TimeSpan.FromTicks(Interlocked.Read(ref _slowestTicks));

    public ConcurrentQueue<LoadFailure> Failures { get; } = new();

    /// <summary>How many of the connections had an answer at or after <paramref name="since"/>: each one still works.</summary>
    public int ConnectionsAnsweredSince(DateTime since) =>
        Enumerable.Range(0, Connections).Count(connection => Volatile.Read(ref _lastAnsweredTicks[connection]) >= since.Ticks);

    /// <summary>The answers a connection owes for the time it ran, less the longest stall, at one request per interval.</summary>
    public int AnswersExpectedPerConnection =>
        (int)Math.Max(0, (((Stopped ?? DateTime.UtcNow) - Started - Slowest) / _interval));

    /// <summary>Opens the connections and returns once every one of them has had an answer.</summary>
    public static async Task<LongLivedLoad> StartAsync(IPEndPoint target, int connections = 50, TimeSpan? interval = null)
    {
        var load = new LongLivedLoad(target, connections, interval ?? TimeSpan.FromMilliseconds(200));
        try
        {
            await load._allAnswered.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            await load.DisposeAsync();
            throw new TimeoutException($"only {Volatile.Read(ref load._firstAnswers)} of {connections} connections answered within 60 s: {load.Describe()}");
        }

        return load;
    }

    /// <summary>Stops sending: each connection finishes the request it has in flight, then closes.</summary>
    public async Task StopAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_workers);
            Stopped = DateTime.UtcNow;
        }
    }

    public int Count(LoadFailureKind kind) => Failures.Count(f => f.Kind == kind);

    /// <summary>The figures, one line, for the test's output.</summary>
    public string Describe()
    {
        var seconds = ((Stopped ?? DateTime.UtcNow) - Started).TotalSeconds;
        var failures = string.Join(", ", Enum.GetValues<LoadFailureKind>().Select(kind => $"{kind.ToString().ToLowerInvariant()} {Count(kind)}"));
        var first = Failures.OrderBy(f => f.At).FirstOrDefault();
        var broken = Failures.Select(f => f.Connection).Distinct().Count();
        var figures = string.Create(CultureInfo.InvariantCulture,
            $"{Connections} connections for {seconds:F1} s: {Sent} requests, {Answered} answered, slowest answer {Slowest.TotalMilliseconds:F0} ms, {Opened - Connections} connections replaced; failures on {broken} connections: {failures}");
        return first is null ? figures : figures + string.Create(CultureInfo.InvariantCulture, $"; first failure {first.At:HH:mm:ss.fff} on connection {first.Connection}: {first.Kind} {first.Detail}");
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task WorkAsync(int connection)
    {
        var buffer = new byte[64];
        var answeredOnce = false;
        while (!_stop.IsCancellationRequested)
        {
            using var socket = new Socket(_target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            Interlocked.Increment(ref _opened);
            try
            {
                using var guard = new CancellationTokenSource(RequestGuard);
                await socket.ConnectAsync(_target, guard.Token);
            }
            catch (Exception exception) when (exception is SocketException or OperationCanceledException)
            {
                Fail(connection, LoadFailureKind.ConnectFailed, exception.Message);
                await PauseAsync(_interval);
                continue;
            }

            // The same connection for as long as it works.
            while (!_stop.IsCancellationRequested)
            {
                var started = DateTime.UtcNow;
                Interlocked.Increment(ref _sent);
                var failure = await ExchangeAsync(socket, buffer);
                if (failure is { } kind)
                {
                    Fail(connection, kind.Kind, kind.Detail);
                    break;
                }

                var took = DateTime.UtcNow - started;
                Interlocked.Increment(ref _answered);
                Interlocked.Exchange(ref _lastAnsweredTicks[connection], DateTime.UtcNow.Ticks);
                RaiseSlowest(took);
                if (!answeredOnce)
                {
                    answeredOnce = true;
                    if (Interlocked.Increment(ref _firstAnswers) == Connections)
                    {
                        _allAnswered.TrySetResult();
                    }
                }

                await PauseAsync(_interval - took);
            }

            if (socket.Connected)
            {
                // The load is over: an orderly close, as a client pool shutting down.
                socket.Shutdown(SocketShutdown.Both);
            }
        }
    }

    // Not cancelled by _stop: a request that was sent is seen through to its answer.
    private static async Task<(LoadFailureKind Kind, string Detail)?> ExchangeAsync(Socket socket, byte[] buffer)
    {
        using var guard = new CancellationTokenSource(RequestGuard);
        try
        {
            await socket.SendAsync(Ping, SocketFlags.None, guard.Token);
            var received = 0;
            while (received < Pong.Length)
            {
                var read = await socket.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None, guard.Token);
                if (read == 0)
                {
                    return (LoadFailureKind.Closed, $"closed after {received} bytes of the answer");
                }

                received += read;
            }

            return buffer.AsSpan(0, received).SequenceEqual(Pong)
                ? null
                : (LoadFailureKind.WrongAnswer, Encoding.ASCII.GetString(buffer, 0, received).Trim());
        }
        catch (SocketException exception) when (exception.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown)
        {
            return (LoadFailureKind.Reset, exception.Message);
        }
        catch (SocketException exception)
        {
            return (LoadFailureKind.Closed, $"{exception.SocketErrorCode}: {exception.Message}");
        }
        catch (OperationCanceledException)
        {
            return (LoadFailureKind.Timeout, $"no answer within {RequestGuard.TotalSeconds} s");
        }
    }

    private async Task PauseAsync(TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            await Task.Delay(delay, _stop.Token);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the worker's loop sees it.
        }
    }

    private void Fail(int connection, LoadFailureKind kind, string detail) =>
        Failures.Enqueue(new LoadFailure(DateTime.UtcNow, connection, kind, detail));

    private void RaiseSlowest(TimeSpan took)
    {
        long seen;
        while (took.Ticks > (seen = Interlocked.Read(ref _slowestTicks)))
        {
            if (Interlocked.CompareExchange(ref _slowestTicks, took.Ticks, seen) == seen)
            {
                return;
            }
        }
    }
}
