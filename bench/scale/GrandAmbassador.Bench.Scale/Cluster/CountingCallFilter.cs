using Orleans.Serialization;

namespace GrandAmbassador.Bench.Scale.Cluster;

/// <summary>
/// Counts every grain call a silo sends (from its grains and from code outside grains that calls through the silo: the
/// agents' sinks, the followers, the registrars) with the bytes of its request and its response as Orleans serializes
/// them. An outgoing filter runs once per call, on the caller's side, whether the callee is on the same silo or not: in
/// production each host is a silo of its own, so almost every call crosses the network, and the serialized size is what
/// it costs there (message headers, ~100 bytes each, aside).
/// </summary>
internal sealed class CountingCallFilter(CallCounts counts, Serializer serializer) : IOutgoingGrainCallFilter
{
    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        var method = $"{context.InterfaceName}.{context.MethodName}";
        var oneWay = context.InterfaceMethod?.IsDefined(typeof(Orleans.Concurrency.OneWayAttribute), inherit: true) == true;
        var request = Size(context.Request);
        try
        {
            await context.Invoke().ConfigureAwait(false);
        }
        finally
        {
            counts.Add(method, oneWay, request, oneWay ? 0 : Size(ResultOf(context)));
        }
    }

    // A failed or cancelled call has no response to read: the getter throws, and the call's own failure must go on.
    private static object? ResultOf(IOutgoingGrainCallContext context)
    {
        try
        {
            return context.Result;
        }
        catch (Exception)
        {
            return null;
        }
    }

    private long Size(object? value)
    {
        if (value is null)
        {
            return 1;
        }

        try
        {
            return serializer.SerializeToArray<object>(value).Length;
        }
        catch (Exception)
        {
            // Something the serializer cannot size (a runtime type): counted as a call all the same.
            return 0;
        }
    }
}
