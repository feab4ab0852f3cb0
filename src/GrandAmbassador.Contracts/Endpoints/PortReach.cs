using System.Globalization;

namespace GrandAmbassador.Contracts.Endpoints;

/// <summary>
/// How one ambassador reaches one port of one container of a name it fronts, as its applied routes dial it: what
/// <c>status</c>, <c>/api/names</c> and the page say for each destination. <see cref="ToString"/> is the one wording
/// all three use.
/// </summary>
/// <param name="HostId">The container's host (for <see cref="ReachKind.Relay"/>, the host whose relay it is).</param>
/// <param name="ContainerId">The container's full id.</param>
/// <param name="Port">The container's port in Docker's notation, <c>6379/tcp</c>, as <see cref="ExposedPort"/> writes it.</param>
/// <param name="Address">What is dialled, best first: the container's address, the published port, the relay
/// (<c>10.231.0.11:11112</c>, <c>[fd00::11]:11112</c>); null for <see cref="ReachKind.None"/>.</param>
/// <param name="Problem">For <see cref="ReachKind.None"/>, why there is no route; for <see cref="ReachKind.Relay"/>, why
/// the relay could not be reached at the last attempt (null: it answered last time, or was not tried yet).</param>
/// <param name="ProblemSince">When the relay's current run of failures began.</param>
[GenerateSerializer, Immutable, Alias("ga.PortReach")]
public sealed record PortReach(
    [property: Id(0)] string HostId,
    [property: Id(1)] string ContainerId,
    [property: Id(2)] string Port,
    [property: Id(3)] ReachKind Kind,
    [property: Id(4)] string? Address,
    [property: Id(5)] string? Problem = null,
    [property: Id(6)] DateTimeOffset? ProblemSince = null)
{
    /// <summary>Whether this destination gets no connection now: no route at all, or a relay that failed at the last attempt.</summary>
    public bool Unreachable => Kind == ReachKind.None || Problem is not null;

    /// <summary>
    /// "local 172.17.0.2:6379", "published 10.231.0.11:16379", "relay through host a (10.231.0.11:11112)", the last
    /// followed by ", unreachable since 2026-12-07 14:02:11Z: connection refused" while its relay fails; or
    /// "unreachable: " and the reason there is no route.
    /// </summary>
    public override string ToString() => Kind switch
    {
        ReachKind.Local => $"local {Address}",
        ReachKind.Published => $"published {Address}",
        ReachKind.Relay when Problem is null => Relay(HostId, Address),
        ReachKind.Relay => $"{Relay(HostId, Address)}, unreachable{Since(ProblemSince)}: {Problem}",
        _ => $"unreachable: {Problem ?? "no route"}",
    };

    /// <summary>"relay through host a (10.231.0.11:11112)": also what an ambassador's route log says for such a destination.</summary>
    public static string Relay(string hostId, string? relay) => $"relay through host {hostId} ({relay})";

    // As status writes every other time: UTC, to the second.
    private static string Since(DateTimeOffset? since) =>
        since is { } at ? " since " + at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "Z" : "";
}
