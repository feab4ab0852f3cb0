using System.Diagnostics.Metrics;

namespace GrandAmbassador.Bench.Scale.Cluster;

/// <summary>
/// Orleans' own messaging instruments (meter "Microsoft.Orleans"), summed over every silo in the process: messages and
/// bytes the silos sent each other through the in-memory transport. Only calls between two silos show here (a call to
/// the caller's own silo is never serialized), so in this few-silo simulation they are a share of what
/// <see cref="CountingCallFilter"/> counts; with one silo per host they would be nearly all.
/// </summary>
internal sealed class OrleansMessageMeter : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _sentMessages;
    private long _sentBytes;
    private long _sentLocal;

    public OrleansMessageMeter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Microsoft.Orleans" && instrument.Name is "orleans-messaging-sent-messages-size" or "orleans-messaging-sent-local")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => Record(instrument.Name, value));
        _listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => Record(instrument.Name, value));
        _listener.Start();
    }

    public (long Messages, long Bytes, long Local) Totals =>
        (Interlocked.Read(ref _sentMessages), Interlocked.Read(ref _sentBytes), Interlocked.Read(ref _sentLocal));

    private void Record(string instrument, long value)
    {
        if (instrument == "orleans-messaging-sent-local")
        {
            Interlocked.Add(ref _sentLocal, value);
            return;
        }

        // A histogram of message sizes: one measurement per message sent to another silo.
        Interlocked.Increment(ref _sentMessages);
        Interlocked.Add(ref _sentBytes, value);
    }

    public void Dispose() => _listener.Dispose();
}
