using System.Net;
using System.Net.Sockets;
using GrandAmbassador.CommandLine;
using GrandAmbassador.Configuration;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.DataPlane;
using GrandAmbassador.Proxy.Routing;

namespace GrandAmbassador.Host.Tests.DataPlane;

/// <summary>The data plane's registry of fronted names, with real proxies on loopback.</summary>
public sealed class FrontedNameRegistryTests : IAsyncLifetime
{
    private readonly DataPlaneServices _dataPlane = DataPlaneServices.Create(
        AmbassadorCommandLine.ParseSettings("--listen", "127.0.0.1"), (_, _) => { });

    private FrontedNameRegistry Registry => _dataPlane.Names;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _dataPlane.DisposeAsync();

    [Fact]
    public async Task Add_BindsExplicitPorts_AndSignalsTheChange()
    {
        var port = FreeTcpPort();
        var before = Registry.Current;

        var added = await Registry.AddAsync(Service("web", port), CancellationToken.None);

        Assert.True(before.Changed.IsCompleted);
        Assert.Equal(["web"], Registry.Current.Names.Select(name => name.Name));
        Assert.Same(added, Registry.Find("web"));
        using var client = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)); // held, not refused
    }

    [Fact]
    public async Task Remove_ClosesTheListener_CancelsTheName_AndSignalsTheChange()
    {
        var port = FreeTcpPort();
        var added = await Registry.AddAsync(Service("web", port), CancellationToken.None);
        var before = Registry.Current;

        Assert.True(await Registry.RemoveAsync("web", CancellationToken.None));

        Assert.True(before.Changed.IsCompleted);
        Assert.Empty(Registry.Current.Names);
        Assert.True(added.Removed.IsCancellationRequested);
        using var client = new Socket(SocketType.Stream, ProtocolType.Tcp);
        var refused = await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        Assert.False(await Registry.RemoveAsync("web", CancellationToken.None));
    }

    [Theory]
    [InlineData("bad/name", "not a valid container name")]
    [InlineData("web", "already fronted")]
    public async Task Add_RejectsWhatTheCommandLineRejects_WithOneLine(string name, string expected)
    {
        await Registry.AddAsync(new FrontedService("web", []), CancellationToken.None);

        var error = await Assert.ThrowsAsync<InvalidSettingException>(() => Registry.AddAsync(new FrontedService(name, []), CancellationToken.None));

        Assert.Contains(expected, error.Message);
        Assert.Single(Registry.Current.Names);
    }

    [Fact]
    public async Task Add_RejectsAPortAnotherNameHas_AndAPortThatCannotBeBound()
    {
        var port = FreeTcpPort();
        await Registry.AddAsync(Service("web", port), CancellationToken.None);
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((IPEndPoint)squatter.LocalEndpoint).Port;

        var clash = await Assert.ThrowsAsync<PortTakenException>(() => Registry.AddAsync(Service("api", port), CancellationToken.None));
        var unbound = await Assert.ThrowsAsync<PortTakenException>(() => Registry.AddAsync(Service("db", taken), CancellationToken.None));

        Assert.Equal($"api: port {port}/tcp is taken by fronted name web", clash.Message);
        Assert.StartsWith($"db: port {taken}/tcp is taken by another process (", unbound.Message, StringComparison.Ordinal);
        Assert.Equal(["web"], Registry.Current.Names.Select(name => name.Name));
    }

    [Fact]
    public async Task Add_WithTheExposedPortsItsContainerIsKnownFor_RefusesATakenOne_AndListensOnAFreeOne()
    {
        var port = FreeTcpPort();
        await Registry.AddAsync(Service("web", port), CancellationToken.None);
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var free = FreeTcpPort();

        var clash = await Assert.ThrowsAsync<PortTakenException>(
            () => Registry.AddAsync(new FrontedService("api", []), CancellationToken.None, [new ListenPort(port, TransportProtocol.Tcp)]));
        var unbound = await Assert.ThrowsAsync<PortTakenException>(
            () => Registry.AddAsync(new FrontedService("db", []), CancellationToken.None, [new ListenPort(taken, TransportProtocol.Tcp)]));
        var added = await Registry.AddAsync(new FrontedService("cache", []), CancellationToken.None, [new ListenPort(free, TransportProtocol.Tcp)]);

        Assert.Equal($"api: port {port}/tcp is taken by fronted name web", clash.Message);
        Assert.StartsWith($"db: port {taken}/tcp is taken by another process (", unbound.Message, StringComparison.Ordinal);
        Assert.NotNull(added.Proxy.GetListener(new ListenPort(free, TransportProtocol.Tcp)));
        Assert.Equal(["web", "cache"], Registry.Current.Names.Select(name => name.Name));
    }

    private static FrontedService Service(string name, int port) => new(name, [new PortMapping(name, port, port, PortProtocol.Tcp)]);

    private static int FreeTcpPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
