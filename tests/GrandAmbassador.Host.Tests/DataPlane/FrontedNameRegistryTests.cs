using System.Net;
using System.Net.Sockets;
using GrandAmbassador.Configuration;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.DataPlane;
using GrandAmbassador.Proxy.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GrandAmbassador.Host.Tests.DataPlane;

/// <summary>The data plane's registry of fronted names, with real proxies on loopback.</summary>
public sealed class FrontedNameRegistryTests : IAsyncLifetime
{
    private readonly FrontedNameRegistry _registry = new(
        name => new ServiceProxy(name, Options.Create(new ProxyOptions { ListenAddress = IPAddress.Loopback }), NullLoggerFactory.Instance),
        NullLogger<FrontedNameRegistry>.Instance);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    [Fact]
    public async Task Add_BindsExplicitPorts_AndSignalsTheChange()
    {
        var port = FreeTcpPort();
        var before = _registry.Current;

        var added = await _registry.AddAsync(Service("web", port), CancellationToken.None);

        Assert.True(before.Changed.IsCompleted);
        Assert.Equal(["web"], _registry.Current.Names.Select(name => name.Name));
        Assert.Same(added, _registry.Find("web"));
        using var client = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)); // held, not refused
    }

    [Fact]
    public async Task Remove_ClosesTheListener_CancelsTheName_AndSignalsTheChange()
    {
        var port = FreeTcpPort();
        var added = await _registry.AddAsync(Service("web", port), CancellationToken.None);
        var before = _registry.Current;

        Assert.True(await _registry.RemoveAsync("web", CancellationToken.None));

        Assert.True(before.Changed.IsCompleted);
        Assert.Empty(_registry.Current.Names);
        Assert.True(added.Removed.IsCancellationRequested);
        using var client = new Socket(SocketType.Stream, ProtocolType.Tcp);
        var refused = await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        Assert.False(await _registry.RemoveAsync("web", CancellationToken.None));
    }

    [Theory]
    [InlineData("bad/name", "not a valid container name")]
    [InlineData("web", "already fronted")]
    public async Task Add_RejectsWhatTheCommandLineRejects_WithOneLine(string name, string expected)
    {
        await _registry.AddAsync(new FrontedService("web", []), CancellationToken.None);

        var error = await Assert.ThrowsAsync<InvalidSettingException>(() => _registry.AddAsync(new FrontedService(name, []), CancellationToken.None));

        Assert.Contains(expected, error.Message);
        Assert.Single(_registry.Current.Names);
    }

    [Fact]
    public async Task Add_RejectsAPortAnotherNameHas_AndAPortThatCannotBeBound()
    {
        var port = FreeTcpPort();
        await _registry.AddAsync(Service("web", port), CancellationToken.None);
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((IPEndPoint)squatter.LocalEndpoint).Port;

        var clash = await Assert.ThrowsAsync<InvalidSettingException>(() => _registry.AddAsync(Service("api", port), CancellationToken.None));
        var unbound = await Assert.ThrowsAsync<InvalidSettingException>(() => _registry.AddAsync(Service("db", taken), CancellationToken.None));

        Assert.Contains($"both want port {port}/tcp", clash.Message);
        Assert.Contains($"cannot listen on {taken}/tcp", unbound.Message);
        Assert.Equal(["web"], _registry.Current.Names.Select(name => name.Name));
    }

    private static FrontedService Service(string name, int port) => new(name, [new PortMapping(name, port, port, PortProtocol.Tcp)]);

    private static int FreeTcpPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
