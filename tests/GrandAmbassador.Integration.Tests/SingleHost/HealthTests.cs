using GrandAmbassador.Integration.Tests.Harness;
using GrandAmbassador.Testing;
using static GrandAmbassador.Integration.Tests.Harness.RunningAmbassador;

namespace GrandAmbassador.Integration.Tests.SingleHost;

[Collection(DockerCollection.Name)]
public sealed class HealthTests : IAsyncLifetime
{
    private readonly DockerScope _docker = new("ga-it");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _docker.DisposeAsync();

    [Fact]
    public async Task ContainerWithAHealthcheck_GetsTrafficOnlyWhileHealthy()
    {
        var port = FreePort.Next();
        var name = _docker.Name("checked");
        await _docker.RunHttpdAsync(
            "checked", port,
            "--health-cmd", "test -f /tmp/ready", "--health-interval", "1s", "--health-retries", "1", "--health-timeout", "1s");
        using var held = new HeldConnections(name);
        await using var ambassador = await StartAsync("--name", name);
        await ambassador.Logs.WaitForAsync(line => line.EventId == 3003 && line.Message.StartsWith($"{name}: {port}/tcp", StringComparison.Ordinal));

        // Starting: not healthy yet, so a new connection waits: the proxy says it holds it.
        var whileStarting = Clients.HttpGetStatusAsync(Local(port));
        await held.WaitForAsync(1);
        Assert.False(whileStarting.IsCompleted, "no traffic before the container is healthy");

        await DockerCli.RunAsync("exec", name, "sh", "-c", "echo ready > /tmp/ready");
        Assert.Equal(Clients.HttpOk, await whileStarting);

        // Unhealthy again: new connections wait again, until it recovers.
        var turnedUnhealthy = DateTime.UtcNow;
        await DockerCli.RunAsync("exec", name, "rm", "/tmp/ready");
        await ambassador.Logs.WaitForAsync(
            line => line.EventId == 3003 && line.Message.StartsWith($"{name}: {port}/tcp", StringComparison.Ordinal), since: turnedUnhealthy);
        await held.WaitForAsync(0);
        var whileUnhealthy = Clients.HttpGetStatusAsync(Local(port));
        await held.WaitForAsync(1);
        Assert.False(whileUnhealthy.IsCompleted, "no traffic while the container is unhealthy");

        await DockerCli.RunAsync("exec", name, "sh", "-c", "echo ready > /tmp/ready");
        Assert.Equal(Clients.HttpOk, await whileUnhealthy);
    }
}
