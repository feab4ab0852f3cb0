using System.Collections.Concurrent;
using System.Reflection;
using GrandAmbassador.Contracts.Grains;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Security;

/// <summary>
/// Refuses a routing write (a method marked <see cref="SilosOnlyAttribute"/>) unless it comes from a
/// silo of the cluster. Orleans gives every call the caller's grain id: a grain's own id for
/// grain-to-grain calls, <c>sys.client/hosted-{silo}</c> for code running in a silo outside any grain
/// (the agent's <c>GrainEndpointSink</c>), and <c>sys.client/{random guid}</c> for an Orleans client
/// connected through a gateway (<c>status</c>, or any program with the cluster id and, with TLS, a
/// certificate). Reads stay open to clients. A refused caller is logged once.
/// </summary>
internal sealed class SilosOnlyFilter(ILogger<SilosOnlyFilter> logger) : IIncomingGrainCallFilter
{
    /// <summary>The key Orleans gives a silo's hosted client (Orleans.Runtime HostedClient.CreateHostedClientGrainId).</summary>
    private const string HostedClientPrefix = "hosted-";

    /// <summary>Each client has a new id per run: the set of those already logged is bounded, then starts over.</summary>
    private const int MaxRemembered = 1024;

    private static readonly ConcurrentDictionary<MethodInfo, bool> Writes = new();

    private readonly ConcurrentDictionary<GrainId, bool> _logged = new();

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (!IsWrite(context.InterfaceMethod) || IsSilo(context.SourceId))
        {
            return context.Invoke();
        }

        var caller = context.SourceId?.ToString() ?? "an unknown caller";
        if (_logged.Count >= MaxRemembered)
        {
            _logged.Clear();
        }

        if (context.SourceId is { } source && _logged.TryAdd(source, true))
        {
            SecurityLog.ClientWriteRefused(logger, context.InterfaceName, context.MethodName, context.TargetId.ToString(), caller);
        }

        throw new UnauthorizedAccessException(
            $"{context.InterfaceName}.{context.MethodName} changes routing and is refused: only the cluster's silos may call it, not the Orleans client {caller}");
    }

    private static bool IsWrite(MethodInfo method) =>
        Writes.GetOrAdd(method, static m => m.IsDefined(typeof(SilosOnlyAttribute), inherit: false));

    /// <summary>A grain or system target of some silo, or a silo's hosted client; not a gateway client (nor an unknown caller).</summary>
    private static bool IsSilo(GrainId? source) =>
        source is { } id && (!id.IsClient() || id.Key.ToString().StartsWith(HostedClientPrefix, StringComparison.Ordinal));
}
