using System.Collections.Immutable;
using System.Net;

namespace GrandAmbassador.Proxy.Access;

/// <summary>
/// Who may connect to one fronted name, and how much one client address may take of it. Immutable: a change is a
/// new policy swapped in whole (<see cref="ClientAccess.Update"/>).
/// </summary>
/// <param name="Allow">The client networks that may connect; empty: everyone (no check at all).</param>
/// <param name="MaxConnectionsPerClient">The most connections (UDP: sessions) one client address keeps open at once; 0: no limit.</param>
/// <param name="Rate">How fast one client address may open new connections (UDP: sessions); null: no limit.</param>
internal sealed record AccessPolicy(ImmutableArray<IPNetwork> Allow, int MaxConnectionsPerClient = 0, ConnectionRate? Rate = null)
{
    /// <summary>The key, in <see cref="Engine.ProxyOptions.Access"/>, of the policy of every name not listed by its own.</summary>
    public const string EveryName = "";

    public static AccessPolicy Open { get; } = new([]);

    /// <summary>The policy of <paramref name="name"/> in <paramref name="policies"/>: its own, else every name's, else open.</summary>
    public static AccessPolicy For(IReadOnlyDictionary<string, AccessPolicy> policies, string name) =>
        policies.TryGetValue(name, out var own) ? own : policies.TryGetValue(EveryName, out var every) ? every : Open;

    /// <summary>Whether the policy restricts nothing: a name with it pays nothing per connection.</summary>
    public bool IsOpen => (Allow.IsDefaultOrEmpty) && MaxConnectionsPerClient == 0 && Rate is null;

    /// <summary>Whether connections are counted per client address (a table entry per address).</summary>
    public bool TracksClients => MaxConnectionsPerClient > 0 || Rate is not null;

    /// <summary>Whether <paramref name="client"/> (already normalized by <see cref="ClientAddress"/>) is on the allow-list.</summary>
    public bool Allows(IPAddress client)
    {
        if (Allow.IsDefaultOrEmpty)
        {
            return true;
        }

        foreach (var network in Allow)
        {
            if (network.Contains(client))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>This policy with <paramref name="other"/>'s settings where this one says nothing (the command line over labels).</summary>
    public AccessPolicy Over(AccessPolicy other) => new(
        Allow.IsDefaultOrEmpty ? other.Allow : Allow,
        MaxConnectionsPerClient > 0 ? MaxConnectionsPerClient : other.MaxConnectionsPerClient,
        Rate ?? other.Rate);

    /// <summary>What <c>status</c>, <c>/api/names</c> and the page say: "allow 10.0.0.0/8, fd00::/64; 50 open per client; 20/s:40 new per client"; null when open.</summary>
    public string? Describe()
    {
        if (IsOpen)
        {
            return null;
        }

        var parts = new List<string>(3);
        if (!Allow.IsDefaultOrEmpty)
        {
            parts.Add($"allow {string.Join(", ", Allow)}");
        }

        if (MaxConnectionsPerClient > 0)
        {
            parts.Add($"{MaxConnectionsPerClient} open per client");
        }

        if (Rate is { } rate)
        {
            parts.Add($"{rate} new per client");
        }

        return string.Join("; ", parts);
    }

    public override string ToString() => Describe() ?? "open to every client";

    /// <summary>By value, networks included (ImmutableArray compares by reference): a snapshot with the same labels changes nothing.</summary>
    public bool Equals(AccessPolicy? other) =>
        other is not null
        && MaxConnectionsPerClient == other.MaxConnectionsPerClient
        && Rate == other.Rate
        && Allow.IsDefaultOrEmpty == other.Allow.IsDefaultOrEmpty
        && (Allow.IsDefaultOrEmpty || Allow.SequenceEqual(other.Allow));

    public override int GetHashCode() => HashCode.Combine(MaxConnectionsPerClient, Rate, Allow.IsDefaultOrEmpty ? 0 : Allow.Length);
}
