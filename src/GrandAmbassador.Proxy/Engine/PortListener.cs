using System.Net;
using System.Net.Sockets;
using GrandAmbassador.Proxy.Routing;

namespace GrandAmbassador.Proxy.Engine;

/// <summary>
/// One bound port of either transport: its socket, the loop that takes new traffic from it, its open flows,
/// an optional periodic sweep over them, and the way it stops. The TCP and UDP listeners add only how traffic
/// arrives.
/// </summary>
internal abstract class PortListener : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _closing = new();
    private Task _loop = Task.CompletedTask;
    private ITimer? _sweepTimer;
    private int _sweeping;
    private int _notTaking;
    private int _stopped;

    protected PortListener(PortContext context, Socket socket)
    {
        Context = context;
        Socket = socket;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
    }

    public ListenPort Port => Context.Port;

    /// <summary>The bound address; its port is the real one when 0 was asked for.</summary>
    public IPEndPoint LocalEndPoint { get; }

    internal PortContext Context { get; }

    protected Socket Socket { get; }

    /// <summary>Cancelled when the port closes; flows that are still waiting for a backend stop waiting.</summary>
    protected CancellationToken Closing => _closing.Token;

    /// <summary>The flows open right now; a snapshot is fine, the set changes concurrently.</summary>
    protected abstract IEnumerable<IProxyFlow> Flows { get; }

    /// <summary>Routes new traffic by <paramref name="snapshot"/> and closes traffic to backends it no longer retains.</summary>
    public void Apply(RouteSnapshot snapshot)
    {
        Context.Router.Update(snapshot);
        var closed = snapshot.CloseNotRetained(Flows, flow => flow.BackendId, flow => flow.Abort());
        if (closed > 0)
        {
            EngineLog.ClosingNotRetained(Context.Logger, Port, closed);
        }
    }

    /// <summary>Closes the socket and every flow (a reset for TCP), and waits for their loops to end.</summary>
    public ValueTask DisposeAsync() => new(StopAsync(graceful: false));

    /// <summary>
    /// Stops taking new traffic, waits up to <paramref name="timeout"/> for the flows open then to end on their own,
    /// and closes the rest gracefully (a FIN for TCP). Says how many ended each way.
    /// </summary>
    public async Task<(int Finished, int Closed)> DrainAsync(TimeSpan timeout)
    {
        // Counted from the moment the drain began: a flow that ends while the accept loop winds down ended on its own.
        var openAtStart = Flows.ToList();
        await StopTakingAsync().ConfigureAwait(false);
        var open = openAtStart.Union(Flows).ToList();
        EngineLog.Draining(Context.Logger, Port, timeout.TotalSeconds, open.Count);
        await Task.WhenAll(open.Select(flow => flow.Completion)).WaitAsync(timeout, Context.TimeProvider)
            .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var closed = open.Count(flow => !flow.Completion.IsCompleted);
        await StopAsync(graceful: true).ConfigureAwait(false);
        return (open.Count - closed, closed);
    }

    /// <summary>Starts the loop that takes new traffic from <see cref="Socket"/>; called once, right after binding.</summary>
    protected void Run(Func<CancellationToken, Task> loop)
    {
        _loop = loop(_stopping.Token);
        EngineLog.Listening(Context.Logger, Port, LocalEndPoint);
    }

    /// <summary>Calls <see cref="Sweep"/> every <paramref name="period"/> on the context's clock until the port closes.</summary>
    protected void StartSweeps(TimeSpan period) =>
        _sweepTimer = Context.TimeProvider.CreateTimer(static state => ((PortListener)state!).RunSweep(), this, period, period);

    /// <summary>One pass over the open flows, e.g. to close idle ones; <paramref name="now"/> is a timestamp of the context's clock.</summary>
    protected virtual void Sweep(long now)
    {
    }

    /// <summary>Closes the socket, so that nothing new arrives; a listener whose socket an event loop uses closes it there.</summary>
    protected virtual void StopReceiving() => Socket.Dispose();

    /// <summary>Closes the socket, so that nothing new arrives, and waits for the loop that took traffic to end.</summary>
    private async Task StopTakingAsync()
    {
        if (Interlocked.Exchange(ref _notTaking, 1) == 0)
        {
            _stopping.Cancel();
            StopReceiving();
        }

        await _loop.ConfigureAwait(false);
    }

    private async Task StopAsync(bool graceful)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        if (_sweepTimer is { } timer)
        {
            await timer.DisposeAsync().ConfigureAwait(false);
        }

        await StopTakingAsync().ConfigureAwait(false);

        // The loop has ended, so the set of flows can only shrink from here.
        var pending = new List<Task>();
        foreach (var flow in Flows)
        {
            if (graceful)
            {
                flow.Close();
            }
            else
            {
                flow.Abort();
            }

            pending.Add(flow.Completion);
        }

        _closing.Cancel();
        await Task.WhenAll(pending).ConfigureAwait(false);
        Context.Router.Update(RouteSnapshot.Empty);

        // Every flow has ended, so nothing counts into this port any more: its series leave /metrics.
        Context.Metrics.Forget(Context.Counts);
        _stopping.Dispose();
        _closing.Dispose();
        EngineLog.StoppedListening(Context.Logger, Port);
    }

    private void RunSweep()
    {
        // A slow pass is never overlapped by the next one.
        if (Interlocked.Exchange(ref _sweeping, 1) != 0)
        {
            return;
        }

        try
        {
            Sweep(Context.TimeProvider.GetTimestamp());
        }
        catch (Exception ex)
        {
            EngineLog.SweepFailed(Context.Logger, Port, ex);
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }
}
