using GrandAmbassador.Testing;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Docker.Tests.Lab;

namespace GrandAmbassador.Docker.Tests.Inspection;

/// <summary>The inspector against real containers: what it reads must match what the engine says.</summary>
public sealed class ContainerInspectorTests : IAsyncLifetime
{
    private readonly DockerScope _docker = new("ga-dt");
    private readonly EngineFixture _engine = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _docker.DisposeAsync();
        _engine.Dispose();
    }

    [Fact]
    public async Task Inspect_DefaultBridge_AddressComesFromNetworks()
    {
        var id = await _docker.RunHttpdAsync("web", 8080);

        var endpoint = await InspectAsync(id);

        var address = Assert.Single(endpoint.Addresses);
        Assert.Equal("bridge", address.Network);
        Assert.Equal(await DockerScope.InspectAsync(id, "{{.NetworkSettings.Networks.bridge.IPAddress}}"), address.Address);
        Assert.Equal(await DockerScope.InspectAsync(id, "{{.NetworkSettings.Networks.bridge.Gateway}}"), address.Gateway);
        Assert.Equal(16, address.PrefixLength);
        Assert.Equal(id, endpoint.ContainerId);
        Assert.Equal(_docker.Name("web"), endpoint.ContainerName);
        Assert.Equal([_docker.Name("web")], endpoint.ServiceNames.ToArray());
        Assert.Equal("test-host", endpoint.HostId);
        Assert.Equal("192.0.2.10", endpoint.AdvertiseAddress);
        Assert.True(endpoint.Running);
        Assert.False(endpoint.HostNetwork);
        Assert.Equal(ContainerHealth.None, endpoint.Health);
    }

    [Fact]
    public async Task Inspect_UserDefinedNetwork_AddressOnThatNetwork()
    {
        var network = await _docker.CreateNetworkAsync("net");
        var id = await _docker.RunHttpdAsync("web", 8080, "--network", network);

        var endpoint = await InspectAsync(id);

        var address = Assert.Single(endpoint.Addresses);
        Assert.Equal(network, address.Network);
        Assert.Equal(await DockerScope.InspectAsync(id, $"{{{{(index .NetworkSettings.Networks \"{network}\").IPAddress}}}}"), address.Address);
        Assert.NotNull(address.Gateway);
    }

    [Fact]
    public async Task Inspect_ContainerOnTwoNetworks_HasAnAddressOnEach()
    {
        var first = await _docker.CreateNetworkAsync("one");
        var second = await _docker.CreateNetworkAsync("two");
        var id = await _docker.RunHttpdAsync("web", 8080, "--network", first);
        await DockerCli.RunAsync("network", "connect", second, id);

        var endpoint = await InspectAsync(id);

        Assert.Equal(new[] { first, second }.Order(StringComparer.Ordinal), endpoint.Addresses.Select(a => a.Network));
        Assert.Equal(2, endpoint.Addresses.Select(a => a.Address).Distinct().Count());
    }

    [Fact]
    public async Task Inspect_ExposedAndPublishedPorts_AreMerged()
    {
        var id = await _docker.RunHttpdAsync("web", 8080, "--expose", "6379", "--expose", "5353/udp", "-p", "127.0.0.1::8080");
        var hostPort = int.Parse((await DockerCli.RunAsync("port", id, "8080/tcp")).Split(':')[^1], System.Globalization.CultureInfo.InvariantCulture);

        var endpoint = await InspectAsync(id);

        Assert.Equal(
            [
                new ExposedPort(5353, PortProtocol.Udp, []),
                new ExposedPort(6379, PortProtocol.Tcp, []),
                new ExposedPort(8080, PortProtocol.Tcp, [new PublishedPort("127.0.0.1", hostPort)]),
            ],
            endpoint.Ports,
            ExposedPortComparer.Instance);
    }

    [Fact]
    public async Task Inspect_NameLabel_AddsServiceNames()
    {
        var id = await _docker.RunHttpdAsync("web", 8080, "--label", "grand-ambassador.name=cache, db,,cache");

        var endpoint = await InspectAsync(id);

        Assert.Equal([_docker.Name("web"), "cache", "db"], endpoint.ServiceNames.ToArray());
    }

    [Fact]
    public async Task Inspect_ProxyProtocolLabel_IsReported()
    {
        var id = await _docker.RunHttpdAsync("web", 8080, "--label", "grand-ambassador.proxy-protocol= V2 ");

        var endpoint = await InspectAsync(id);

        Assert.Equal("v2", endpoint.ProxyProtocol);
    }

    [Fact]
    public async Task Inspect_AllowLabel_IsCarriedAsWritten()
    {
        var id = await _docker.RunHttpdAsync("web", 8080, "--label", "grand-ambassador.allow= 10.0.0.0/8,fd00::/64 ");
        var plain = await _docker.RunHttpdAsync("plain", 8080);

        Assert.Equal("10.0.0.0/8,fd00::/64", (await InspectAsync(id)).Allow);
        Assert.Null((await InspectAsync(plain)).Allow);
    }

    [Fact]
    public async Task Inspect_HealthCheckNotYetRun_IsStarting()
    {
        var id = await _docker.RunHttpdAsync("web", 8080, "--health-cmd", "true", "--health-interval", "30s");

        var endpoint = await InspectAsync(id);

        Assert.Equal(ContainerHealth.Starting, endpoint.Health);
        Assert.False(endpoint.AcceptsTraffic);
    }

    [Fact]
    public async Task Inspect_HostNetwork_IsMarkedAndHasNoBridgeAddress()
    {
        var id = await _docker.RunAsync("host", ["--network", "host"], DockerScope.Busybox, "sleep", "600");

        var endpoint = await InspectAsync(id);

        Assert.True(endpoint.HostNetwork);
        Assert.Empty(endpoint.Addresses);
    }

    [Fact]
    public async Task Inspect_PausedAndStopped_AreNotRunning()
    {
        var id = await _docker.RunHttpdAsync("web", 8080);
        var startedAt = (await InspectAsync(id)).StartedAt;
        await DockerCli.RunAsync("pause", id);
        var paused = await InspectAsync(id);
        await DockerCli.RunAsync("unpause", id);
        await DockerCli.RunAsync("stop", "-t", "0", id);
        var stopped = await InspectAsync(id);

        Assert.False(paused.Running);
        Assert.False(stopped.Running);
        Assert.Equal(startedAt, stopped.StartedAt);
        Assert.InRange(startedAt, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task Inspect_UnknownContainer_IsNull()
    {
        Assert.Null(await _engine.Inspector.InspectAsync(_engine.Client, _docker.Name("missing"), CancellationToken.None));
    }

    [Fact]
    public async Task List_IncludesStoppedContainers()
    {
        var id = await _docker.RunAsync("done", [], DockerScope.Busybox, "true");
        await DockerCli.RunAsync("wait", id);

        var all = await _engine.Inspector.ListAsync(_engine.Client, CancellationToken.None);

        Assert.Equal("exited", Assert.Single(all, e => e.Id == id).State);
    }

    private async Task<ContainerEndpoint> InspectAsync(string id) =>
        (await _engine.Inspector.InspectAsync(_engine.Client, id, CancellationToken.None))?.Endpoint
        ?? throw new InvalidOperationException($"{id} not found");
}
