using GrandAmbassador.Integration.Tests.Harness;
using GrandAmbassador.Testing;
using static GrandAmbassador.Integration.Tests.Harness.RunningAmbassador;

namespace GrandAmbassador.Integration.Tests.SingleHost;

[Collection(DockerCollection.Name)]
public sealed class NetworksTests : IAsyncLifetime
{
    private readonly DockerScope _docker = new("ga-it");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _docker.DisposeAsync();

    [Fact]
    public async Task ContainerOnAUserDefinedNetworkOnly_IsReachedThroughItsAddressThere()
    {
        var port = FreePort.Next();
        var network = await _docker.CreateNetworkAsync("net");
        var name = _docker.Name("user-net");
        await _docker.RunHttpdAsync("user-net", port, "--network", network);
        var address = await DockerScope.InspectAsync(name, $"{{{{(index .NetworkSettings.Networks \"{network}\").IPAddress}}}}");

        await using var ambassador = await StartAsync("--name", name);
        var routed = await ambassador.RoutedAsync(name, port);

        Assert.Contains($"{address}:{port}", routed.Message);
        Assert.Equal(Clients.HttpOk, await Eventually.GetAsync(() => Clients.HttpGetStatusAsync(Local(port))));
    }

    [Fact]
    public async Task ContainerOnSeveralNetworks_IsServed_AndFollowedWhenOneIsDisconnected()
    {
        var port = FreePort.Next();
        var first = await _docker.CreateNetworkAsync("first");
        var second = await _docker.CreateNetworkAsync("second");
        var name = _docker.Name("two-nets");
        await _docker.RunHttpdAsync("two-nets", port, "--network", first);
        await DockerCli.RunAsync("network", "connect", second, name);
        var secondAddress = await DockerScope.InspectAsync(name, $"{{{{(index .NetworkSettings.Networks \"{second}\").IPAddress}}}}");

        await using var ambassador = await StartAsync("--name", name);
        await ambassador.RoutedAsync(name, port);
        Assert.Equal(Clients.HttpOk, await Eventually.GetAsync(() => Clients.HttpGetStatusAsync(Local(port))));

        await DockerCli.RunAsync("network", "disconnect", first, name);

        await ambassador.Logs.WaitForAsync(line => line.EventId == 3002 && line.Message.StartsWith($"{name}: {port}/tcp -> {secondAddress}:{port}", StringComparison.Ordinal));
        Assert.Equal(Clients.HttpOk, await Clients.HttpGetStatusAsync(Local(port)));
    }
}
