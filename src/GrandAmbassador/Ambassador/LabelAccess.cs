using System.Collections.Immutable;
using System.Net;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Proxy.Access;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Ambassador;

/// <summary>
/// The allow-list a name's containers ask for with their <c>grand-ambassador.allow</c> label: the union of the
/// networks every container of the snapshot lists (one without the label asks for nothing, it does not open the
/// name to everyone). A network that does not parse is logged, once per label text, and left out: a label cannot
/// stop the process the way a bad option does.
/// </summary>
internal sealed class LabelAccess(string name, ILogger logger)
{
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
    private AccessPolicy? _last;

    /// <summary>
    /// The labels' policy for <paramref name="snapshot"/>; while it has no container (between runs, before the first
    /// report) the last one stays, so that a restart does not open the name for a moment.
    /// </summary>
    public AccessPolicy From(EndpointSet snapshot)
    {
        if (snapshot.Endpoints.Items.Length == 0)
        {
            return _last ?? AccessPolicy.Open;
        }

        var networks = new List<IPNetwork>();
        foreach (var label in snapshot.Endpoints.Items.Select(endpoint => endpoint.Allow).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            foreach (var text in label.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (NetworkText.TryParse(text, out var network))
                {
                    networks.Add(network);
                }
                else if (_reported.Add(label))
                {
                    AmbassadorLog.BadAllowLabel(logger, name, label, text);
                }
            }
        }

        // A label with nothing valid in it still asks for a restriction: nobody, rather than everybody.
        var asked = snapshot.Endpoints.Items.Any(endpoint => endpoint.Allow is not null);
        _last = !asked ? AccessPolicy.Open
            : networks.Count > 0 ? new AccessPolicy([.. networks.Distinct()])
            : new AccessPolicy(ImmutableArray.Create(NobodyNetwork));
        return _last;
    }

    /// <summary>An empty allow-list means "everyone": a label whose every network is bad allows only this unroutable /128 instead.</summary>
    private static readonly IPNetwork NobodyNetwork = new(IPAddress.IPv6None, 128);
}
