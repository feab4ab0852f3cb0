using GrandAmbassador.Proxy.Diagnostics;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Proxy.Limits;

/// <summary>
/// The process-wide bound on open TCP connections (<see cref="Engine.ProxyOptions.MaxConnections"/>). An accept
/// loop takes a slot for each client it accepts before it relays it, and accepts the next only once it has one: at
/// the limit each port has at most one accepted client waiting for a slot (the backend never sees it until then),
/// and the kernel's backlog holds the rest. Nobody is accepted only to be closed. A slot is not taken before the
/// accept, because an idle port would then hold one slot for nobody.
/// </summary>
internal sealed class ConnectionSlots
{
    private readonly SemaphoreSlim _free;
    private readonly ILogger _logger;
    private int _full;

    public ConnectionSlots(int max, ILogger logger)
    {
        Max = max;
        _free = new SemaphoreSlim(max, max);
        _logger = logger;
    }

    public int Max { get; }

    /// <summary>Slots taken right now.</summary>
    public int InUse => Max - _free.CurrentCount;

    /// <summary>Takes a slot, waiting while none is free; the first wait of an episode is logged and counted.</summary>
    public Task WaitAsync(PortCounts counts, CancellationToken cancellationToken)
    {
        if (_free.Wait(0, CancellationToken.None))
        {
            return Task.CompletedTask;
        }

        if (Interlocked.Exchange(ref _full, 1) == 0)
        {
            counts.ConnectionLimitReached.Add(1);
            LimitsLog.ConnectionLimitReached(_logger, Max);
        }

        return _free.WaitAsync(cancellationToken);
    }

    /// <summary>Gives a slot back; when one stays free (no accept loop was waiting for it) the episode is over.</summary>
    public void Release()
    {
        _free.Release();
        if (_free.CurrentCount > 0 && Volatile.Read(ref _full) == 1 && Interlocked.Exchange(ref _full, 0) == 1)
        {
            LimitsLog.ConnectionLimitLeft(_logger, Max);
        }
    }
}
