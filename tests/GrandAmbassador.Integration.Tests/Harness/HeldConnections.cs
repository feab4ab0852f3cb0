using System.Diagnostics.Metrics;

namespace GrandAmbassador.Integration.Tests.Harness;

/// <summary>
/// How many connections (and UDP sessions) the in-process proxy holds for one fronted name, read from
/// its <c>grandambassador.proxy.held</c> instrument: a test awaits the proxy saying "held" instead of
/// sleeping and hoping nothing answered meanwhile.
/// </summary>
internal sealed class HeldConnections : IDisposable
{
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(60);

    private readonly string _name;
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private long _held;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HeldConnections(string name)
    {
        _name = name;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "GrandAmbassador.Proxy" && instrument.Name == "grandambassador.proxy.held")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.Start();
    }

    /// <summary>Waits until the proxy holds exactly <paramref name="count"/> flows for the name; a hang fails the test.</summary>
    public async Task WaitForAsync(long count)
    {
        using var guard = new CancellationTokenSource(Hang);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_held == count)
                {
                    return;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(guard.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"the proxy held {Interlocked.Read(ref _held)} flows for {_name}, not {count}, after {Hang.TotalSeconds} s");
            }
        }
    }

    public void Dispose() => _listener.Dispose();

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        foreach (var tag in tags)
        {
            // "service" until the metrics name it "name", like the page's counters.
            if (tag.Key is "name" or "service" && tag.Value as string == _name)
            {
                TaskCompletionSource changed;
                lock (_gate)
                {
                    _held += value;
                    changed = _changed;
                    _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                changed.TrySetResult();
                return;
            }
        }
    }
}
