using System.Collections.Immutable;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Contracts.Grains;

namespace GrandAmbassador.Draining;

/// <summary>
/// A drain a deploy can wait for: has the container's own agent mark it (so that it is reported Stopping
/// in the agent's sequence), then waits until every ambassador that fronts one of its names says its
/// proxy no longer dials it for new connections. The same for the command line (an Orleans client) and
/// the HTTP API (the silo's own grain factory).
/// </summary>
internal static class DrainWaiter
{
    /// <summary>How often the grains are asked again: a confirmation takes a few milliseconds to arrive.</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// One call's bound: a grain on a silo that was just cut off holds a call for Orleans' 30 s response
    /// timeout, longer than a drain's; asked again, the call reaches the grain's new activation.
    /// </summary>
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(2);

    public static async Task<DrainResult> DrainAsync(
        IGrainFactory grains, string hostId, string container, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var mark = await MarkAsync(grains, hostId, container, drained: true, timeout, time, cancellationToken).ConfigureAwait(false);
        if (mark.Error is not null || mark.Container is not { } key)
        {
            return new DrainResult(mark, [], [], time.GetElapsedTime(started), Marked: false);
        }

        var directory = grains.GetGrain<IHostDirectoryGrain>(IHostDirectoryGrain.Key);
        var fronting = await directory.GetFrontingAsync().WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);

        // Every ambassador seen fronting a name during this drain is waited for until it confirms, or until the
        // directory says it no longer fronts that name. One that vanishes from the directory (its silo declared
        // dead: cut off, paused) has confirmed nothing, and its data plane may still send new connections.
        var waitedFor = new HashSet<FrontingName>();
        while (true)
        {
            fronting = await AskAsync(directory.GetFrontingAsync(), time, cancellationToken).ConfigureAwait(false) is { IsDefault: false } now ? now : fronting;
            var wanted = fronting
                .SelectMany(registration => registration.Names.Items
                    .Where(name => mark.ServiceNames.Items.Contains(name.Name, StringComparer.Ordinal))
                    .Select(name => new FrontingName(registration.HostId, name.Name)))
                .ToHashSet();
            var registered = fronting.ToDictionary(registration => registration.HostId, StringComparer.Ordinal);
            var answers = new Dictionary<string, DrainConfirmations>(StringComparer.Ordinal);
            var allMarked = true;
            foreach (var name in mark.ServiceNames)
            {
                var confirmations = await AskAsync(grains.GetGrain<IContainerEndpointGrain>(name).GetDrainConfirmationsAsync(key), time, cancellationToken).ConfigureAwait(false)
                    ?? new DrainConfirmations(false, []);
                allMarked &= confirmations.Marked;

                // An ambassador the grain heard from is waited for unless the directory says it no longer fronts the name.
                wanted.UnionWith(confirmations.Heard
                    .Where(host => !registered.TryGetValue(host, out var registration) || registration.Names.Any(fronted => fronted.Name == name))
                    .Select(host => new FrontingName(host, name)));
                answers[name] = confirmations;
            }

            waitedFor.UnionWith(wanted);
            waitedFor.RemoveWhere(want => registered.TryGetValue(want.HostId, out var registration) && !registration.Names.Any(fronted => fronted.Name == want.Name));
            var confirmed = waitedFor
                .Where(want => answers.TryGetValue(want.Name, out var answer) && answer.Marked && answer.ConfirmedBy.Items.Contains(want.HostId, StringComparer.Ordinal))
                .ToList();
            var pending = waitedFor.Except(confirmed).OrderBy(want => want.HostId, StringComparer.Ordinal).ThenBy(want => want.Name, StringComparer.Ordinal).ToImmutableArray();
            var waited = time.GetElapsedTime(started);
            if ((allMarked && pending.IsEmpty) || waited >= timeout)
            {
                return new DrainResult(mark, [.. confirmed], pending, waited, allMarked);
            }

            await Task.Delay(Poll, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The answer, or default when the call took longer than <see cref="CallTimeout"/> or failed: asked again at the next poll.</summary>
    private static async Task<T?> AskAsync<T>(Task<T> call, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            return await call.WaitAsync(CallTimeout, time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            _ = call.ContinueWith(static abandoned => _ = abandoned.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            return default;
        }
    }

    /// <summary>Puts the container back: its agent reports it as inspect says, from its next report on.</summary>
    /// <summary>How long an undrain waits for the host's agent (a new activation of its grain learns it within 10 s).</summary>
    private static readonly TimeSpan UndrainWait = TimeSpan.FromSeconds(8);

    public static Task<DrainMark> UndrainAsync(IGrainFactory grains, string hostId, string container, CancellationToken cancellationToken) =>
        MarkAsync(grains, hostId, container, drained: false, UndrainWait, TimeProvider.System, cancellationToken);

    /// <summary>
    /// The agent's mark, or a refusal saying the host's agent did not answer within <paramref name="wait"/>: the host's
    /// grain waits a while for its agent to register (a new activation learns it at the next renewal), and a
    /// wrong --host never registers one.
    /// </summary>
    private static async Task<DrainMark> MarkAsync(
        IGrainFactory grains, string hostId, string container, bool drained, TimeSpan wait, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            return await grains.GetGrain<IHostAgentGrain>(hostId).SetDrainedAsync(container, drained).WaitAsync(wait, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return DrainMark.Refused(
                $"no agent of host {hostId} answered within {wait.TotalSeconds:0.#} s (wrong --host, or its ambassador runs with --no-agent or is not in this cluster)");
        }
    }
}
