namespace GrandAmbassador.Proxy.Hosting;

/// <summary>What a stopping listener does with its open connections or sessions, TCP and UDP alike.</summary>
internal static class OpenFlows
{
    /// <summary>Closes every flow and waits until each has finished. Call once nothing can add flows any more.</summary>
    public static Task CloseAllAsync<TFlow>(IEnumerable<TFlow> flows, Action<TFlow> close, Func<TFlow, Task> completion)
    {
        var pending = new List<Task>();
        foreach (var flow in flows)
        {
            close(flow);
            pending.Add(completion(flow));
        }

        return Task.WhenAll(pending);
    }
}
