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

    public static async Task<DrainResult> DrainAsync(
        IGrainFactory grains, string hostId, string container, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var mark = await grains.GetGrain<IHostAgentGrain>(hostId).SetDrainedAsync(container, drained: true).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (mark.Error is not null || mark.Container is not { } key)
        {
            return new DrainResult(mark, [], [], time.GetElapsedTime(started), Marked: false);
        }

        var directory = grains.GetGrain<IHostDirectoryGrain>(IHostDirectoryGrain.Key);
        while (true)
        {
            var fronting = await directory.GetFrontingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            var wanted = fronting
                .SelectMany(registration => registration.Names.Items
                    .Where(name => mark.ServiceNames.Items.Contains(name.Name, StringComparer.Ordinal))
                    .Select(name => new FrontingName(registration.HostId, name.Name)))
                .ToList();
            var confirmed = new List<FrontingName>();
            var allMarked = true;
            foreach (var name in mark.ServiceNames)
            {
                var confirmations = await grains.GetGrain<IContainerEndpointGrain>(name).GetDrainConfirmationsAsync(key).WaitAsync(cancellationToken).ConfigureAwait(false);
                allMarked &= confirmations.Marked;
                confirmed.AddRange(wanted.Where(want => want.Name == name && confirmations.Marked && confirmations.ConfirmedBy.Items.Contains(want.HostId, StringComparer.Ordinal)));
            }

            var pending = wanted.Except(confirmed).ToImmutableArray();
            var waited = time.GetElapsedTime(started);
            if ((allMarked && pending.IsEmpty) || waited >= timeout)
            {
                return new DrainResult(mark, [.. confirmed], pending, waited, allMarked);
            }

            await Task.Delay(Poll, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Puts the container back: its agent reports it as inspect says, from its next report on.</summary>
    public static Task<DrainMark> UndrainAsync(IGrainFactory grains, string hostId, string container, CancellationToken cancellationToken) =>
        grains.GetGrain<IHostAgentGrain>(hostId).SetDrainedAsync(container, drained: false).WaitAsync(cancellationToken);
}
