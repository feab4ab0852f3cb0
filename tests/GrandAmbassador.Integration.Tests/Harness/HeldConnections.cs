using System.Diagnostics.Metrics;

namespace GrandAmbassador.Integration.Tests.Harness;

/// <summary>
/// How many connections (and UDP sessions) the in-process proxy holds for one fronted name, read from
/// its <c>grandambassador.proxy.held</c> instrument: a test awaits the proxy saying "held" instead of
/// sleeping and hoping nothing answered meanwhile. The instrument is observable (it reports the ports open
/// now), so it is collected every few milliseconds until it says so; a hang fails the test.
/// </summary>
internal sealed class HeldConnections : IDisposable
{
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CollectEvery = TimeSpan.FromMilliseconds(10);

    private readonly string _name;
    private readonly MeterListener _listener = new();
    private readonly Lock _collecting = new();
    private long _held;

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
        var deadline = DateTime.UtcNow + Hang;
        long held;
        while ((held = Collect()) != count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the proxy held {held} flows for {_name}, not {count}, after {Hang.TotalSeconds} s");
            }

            await Task.Delay(CollectEvery);
        }
    }

    public void Dispose() => _listener.Dispose();

    /// <summary>The name's held flows now, over its open ports.</summary>
    private long Collect()
    {
        lock (_collecting)
        {
            _held = 0;
            _listener.RecordObservableInstruments();
            return _held;
        }
    }

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "name" && tag.Value as string == _name)
            {
                _held += value;
                return;
            }
        }
    }
}
