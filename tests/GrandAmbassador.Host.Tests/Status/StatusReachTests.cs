using System.Text.Json;
using GrandAmbassador.Ambassador;
using GrandAmbassador.Configuration;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.DataPlane;
using GrandAmbassador.Host.Tests.Fakes;
using GrandAmbassador.Proxy.Engine;
using GrandAmbassador.Status;
using Microsoft.Extensions.Time.Testing;

namespace GrandAmbassador.Host.Tests.Status;

/// <summary>
/// What <c>status</c> prints about how each fronting ambassador reaches each port: it is another process, so it shows
/// what each ambassador registered (its applied routes, its relays' last failures), under the port.
/// </summary>
public sealed class StatusReachTests
{
    private static readonly DateTimeOffset FailedAt = new(2026, 12, 7, 14, 2, 11, TimeSpan.Zero);

    [Fact]
    public async Task Status_SaysUnderEachPort_HowEachFrontingAmbassadorReachesIt()
    {
        var relays = new RelayHealth(new FakeTimeProvider(FailedAt));
        relays.Failed(new(System.Net.IPAddress.Parse("10.231.0.12"), 11112), "connection refused");
        var grains = Cluster(relays, DestinationReachTests.Local, DestinationReachTests.Published, DestinationReachTests.Relayed, DestinationReachTests.NoRelay);

        var text = StatusPrinter.ToText(await StatusReader.ReadAsync(grains, CancellationToken.None));

        Assert.Contains(Lines(
            "  host-c  local (local)  running, no healthcheck, since 1970-01-01 00:00:00Z",
            "    6379/tcp   172.17.0.5:6379 (bridge); not published; reachable from host-c only (not published, and host host-c runs no relay: " +
                "run it with -p, or give that host cluster TLS or --relay-insecure)",
            "               from host-c: local 172.17.0.5:6379",
            "  host-a  published (published)  running, no healthcheck, since 1970-01-01 00:00:00Z",
            "    6379/tcp   172.17.0.2:6379 (bridge); published 10.231.0.11:16379; reachable from every host",
            "               from host-c: published 10.231.0.11:16379",
            "  host-b  relayed (relayed)  running, no healthcheck, since 1970-01-01 00:00:00Z",
            "    6379/tcp   172.17.0.2:6379 (bridge); not published; reachable from every host (the others through the relay of host host-b)",
            "               from host-c: relay through host host-b (10.231.0.12:11112), unreachable since 2026-12-07 14:02:11Z: connection refused",
            "  host-d  no-relay (no-relay)  running, no healthcheck, since 1970-01-01 00:00:00Z",
            "    6379/tcp   172.17.0.2:6379 (bridge); not published; reachable from host-d only (not published, and host host-d runs no relay: " +
                "run it with -p, or give that host cluster TLS or --relay-insecure)",
            "               from host-c: unreachable: it is on host host-d, publishes no host port for 6379/tcp, and that host runs no relay " +
                "(run it with -p, or give that host cluster TLS or --relay-insecure)"), text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatusJson_GivesEachAmbassadorsReach_WithWhetherItIsUnreachable()
    {
        var relays = new RelayHealth(new FakeTimeProvider(FailedAt));
        relays.Failed(new(System.Net.IPAddress.Parse("10.231.0.12"), 11112), "connection refused");
        var grains = Cluster(relays, DestinationReachTests.Relayed);

        var json = StatusPrinter.ToJson(await StatusReader.ReadAsync(grains, CancellationToken.None));

        using var document = JsonDocument.Parse(json);
        var reached = Assert.Single(document.RootElement
            .GetProperty("names")[0].GetProperty("endpoints")[0].GetProperty("ports")[0].GetProperty("reached").EnumerateArray().ToList());
        Assert.Equal("host-c", reached.GetProperty("from").GetString());
        Assert.Equal("relay through host host-b (10.231.0.12:11112), unreachable since 2026-12-07 14:02:11Z: connection refused", reached.GetProperty("how").GetString());
        Assert.True(reached.GetProperty("unreachable").GetBoolean());
    }

    [Fact]
    public async Task APortNoAmbassadorDials_HasNoReachLine()
    {
        var grains = new FakeGrainFactory { Hosts = [new HostRegistration("host-b", "10.231.0.12", ["redis"], FailedAt)] };
        grains.Snapshots["redis"] = DestinationReachTests.Snapshot(DestinationReachTests.Relayed);

        var status = await StatusReader.ReadAsync(grains, CancellationToken.None);

        var port = Assert.Single(Assert.Single(Assert.Single(status.Names).Endpoints).Ports);
        Assert.Empty(port.Reached);
        Assert.Equal("every host (the others through the relay of host host-b)", port.ReachableFrom);
    }

    /// <summary>Hosts a to d with an agent, the name's snapshot, and host c's ambassador fronting it as its registrar describes it.</summary>
    private static FakeGrainFactory Cluster(RelayHealth relays, params ContainerEndpoint[] endpoints)
    {
        var snapshot = DestinationReachTests.Snapshot(endpoints);
        var plan = RouteBuilder.Build(new FrontedService("redis", []), snapshot, new RouteContext("host-c", LocalNetworks.Of((System.Net.IPAddress.Parse("172.17.0.1"), 16))), previous: null);
        var grains = new FakeGrainFactory
        {
            Hosts = [.. endpoints.Select(endpoint => new HostRegistration(endpoint.HostId, endpoint.AdvertiseAddress, ["redis"], FailedAt))],
            Fronting = [new FrontingRegistration("host-c", [new FrontedNameListeners("redis", [new FrontedListener(6379, PortProtocol.Tcp)], Reached: AppliedReach.Of(plan, "host-c", relays))], FailedAt)],
        };
        grains.Snapshots["redis"] = snapshot;
        return grains;
    }

    private static string Lines(params string[] lines) => string.Join(Environment.NewLine, lines) + Environment.NewLine;
}
