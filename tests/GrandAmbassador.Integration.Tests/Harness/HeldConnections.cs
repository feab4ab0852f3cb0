using System.Diagnostics.Metrics;
using GrandAmbassador.Testing;

namespace GrandAmbassador.Integration.Tests.Harness;

/// <summary>
/// How many connections (and UDP sessions) the in-process proxy holds for one fronted name, read from
/// its <c>grandambassador.proxy.held</c> instrument: a test awaits the proxy saying "held" instead of
/// sleeping and hoping nothing answered meanwhile. The instrument is observable (it reports the ports open
/// now and raises no event), so it is collected again until it says so (<see cref="Eventually"/>).
/// </summary>
internal sealed class HeldConnections : IDisposable
{

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
    public Task WaitForAsync(long count) =>
        Eventually.GetAsync(
            () => Collect() is var held && held == count
                ? Task.FromResult(held)
                : throw new InvalidOperationException($"the proxy held {held} flows for {_name}, not {count}"),
            what: $"{count} held flows for {_name}");

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
