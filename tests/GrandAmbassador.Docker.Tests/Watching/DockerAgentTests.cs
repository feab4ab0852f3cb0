using GrandAmbassador.Testing;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Docker.Tests.Lab;
using Microsoft.Extensions.Time.Testing;

namespace GrandAmbassador.Docker.Tests.Watching;

/// <summary>The agent against the real engine: events in, sink calls out.</summary>
public sealed class DockerAgentTests : IAsyncLifetime
{
    private const int EngineUnavailableEventId = 2002;

    private readonly DockerScope _docker = new("ga-dt");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _docker.DisposeAsync();

    [Fact]
    public async Task Agent_ExistingContainer_IsInTheFirstReconcile()
    {
        var id = await _docker.RunHttpdAsync("web", 8080);
        await using var agent = await AgentHarness.StartAsync();

        var first = await agent.Sink.WaitForReconcileAsync(1);

        var endpoint = Assert.Single(first.All, e => e.ContainerId == id);
        Assert.True(endpoint.Running);
        Assert.Equal("test-host", endpoint.HostId);
    }

    [Fact]
    public async Task Agent_ContainerCreatedAfterStart_IsReported()
    {
        await using var agent = await AgentHarness.StartAsync();
        await agent.Sink.WaitForReconcileAsync(1);

        var id = await _docker.RunHttpdAsync("web", 8080);

        var endpoint = await agent.Sink.WaitForEndpointAsync(e => e.ContainerId == id && e.Running);
        Assert.Equal(_docker.Name("web"), endpoint.ContainerName);
        Assert.IsType<SinkCall.Report>(await agent.Sink.WaitForAsync(c => c is SinkCall.Report r && r.Endpoint.ContainerId == id));
    }

    [Fact]
    public async Task Agent_DockerRestart_ReportsTheNewRun()
    {
        var id = await _docker.RunHttpdAsync("web", 8080);
        await using var agent = await AgentHarness.StartAsync();
        var before = await agent.Sink.WaitForEndpointAsync(e => e.ContainerId == id && e.Running);

        await DockerCli.RunAsync("restart", "-t", "0", id);

        var after = await agent.Sink.WaitForEndpointAsync(e => e.ContainerId == id && e.Running && e.StartedAt > before.StartedAt);
        Assert.NotEqual(before.RunId, after.RunId);
    }

    [Fact]
    public async Task Agent_DockerStop_ReportsStoppingWhileTheContainerDrains_ThenStopped()
    {
        // A server that takes its time to shut down on SIGTERM, as a graceful one does.
        var id = await _docker.RunAsync(
            "draining", [], DockerScope.Busybox, "sh", "-c", "trap 'sleep 3; exit 0' TERM; while true; do sleep 1; done");
        await using var agent = await AgentHarness.StartAsync();
        await agent.Sink.WaitForEndpointAsync(e => e.ContainerId == id && e.Running && !e.Stopping);

        var stop = DockerCli.RunAsync("stop", "-t", "20", id);

        var draining = await agent.Sink.WaitForEndpointAsync(e => e.ContainerId == id && e.Stopping);
        Assert.True(draining.Running);
        Assert.False(draining.AcceptsTraffic);
        await stop;
        var stopped = await agent.Sink.WaitForEndpointAsync(e => e.ContainerId == id && !e.Running);
        Assert.False(stopped.Stopping);
    }

    [Fact]
    public async Task Agent_HupAndUsr1_LeaveTheContainerRoutable_DockerStopMarksItStopping()
    {
        // httpd is the container's PID 1: a signal it has no handler for is ignored, as by a reload.
        var id = await _docker.RunHttpdAsync("signalled", 8080);
        await using var agent = await AgentHarness.StartAsync();
        await agent.Sink.WaitForEndpointAsync(e => e.ContainerId == id && e.Running);

        foreach (var signal in new[] { "HUP", "USR1" })
        {
            var before = agent.Sink.Calls.Count;
            await DockerCli.RunAsync("kill", "-s", signal, id);

            // The kill event makes the agent inspect and report the container again: that report counts.
            var call = await agent.Sink.WaitForAsync(c => c is SinkCall.Report r && r.Endpoint.ContainerId == id, skip: before);
            var endpoint = ((SinkCall.Report)call).Endpoint;
            Assert.True(endpoint.Running, $"after {signal}");
            Assert.False(endpoint.Stopping, $"after {signal}");
            Assert.True(endpoint.AcceptsTraffic, $"after {signal}");
        }

        var stop = DockerCli.RunAsync("stop", "-t", "3", id);
        var draining = await agent.Sink.WaitForEndpointAsync(e => e.ContainerId == id && e.Stopping);
        Assert.True(draining.Running);
        await stop;
        Assert.False((await agent.Sink.WaitForEndpointAsync(e => e.ContainerId == id && !e.Running)).Stopping);
    }

    [Fact]
    public async Task Agent_DockerRmForce_ReportsRemoval()
    {
        var id = await _docker.RunHttpdAsync("web", 8080);
        await using var agent = await AgentHarness.StartAsync();
        await agent.Sink.WaitForEndpointAsync(e => e.ContainerId == id);

        await DockerCli.RunAsync("rm", "-f", id);

        Assert.IsType<SinkCall.Remove>(await agent.Sink.WaitForRemovalAsync(id));
    }

    [Fact]
    public async Task Agent_HealthCheck_ReportsStartingThenHealthy()
    {
        await using var agent = await AgentHarness.StartAsync();
        await agent.Sink.WaitForReconcileAsync(1);

        var id = await _docker.RunHttpdAsync("web", 8080, "--health-cmd", "wget -q -O /dev/null http://127.0.0.1:8080/", "--health-interval", "1s");

        await agent.Sink.WaitForEndpointAsync(e => e.ContainerId == id && e.Health == ContainerHealth.Starting);
        var healthy = await agent.Sink.WaitForEndpointAsync(e => e.ContainerId == id && e.Health == ContainerHealth.Healthy);
        Assert.True(healthy.AcceptsTraffic);
    }

    [Fact]
    public async Task Agent_FailingHealthCheck_ReportsUnhealthy()
    {
        await using var agent = await AgentHarness.StartAsync();
        await agent.Sink.WaitForReconcileAsync(1);

        var id = await _docker.RunHttpdAsync("web", 8080, "--health-cmd", "false", "--health-interval", "1s", "--health-retries", "1");

        var unhealthy = await agent.Sink.WaitForEndpointAsync(e => e.ContainerId == id && e.Health == ContainerHealth.Unhealthy);
        Assert.True(unhealthy.Running);
        Assert.False(unhealthy.AcceptsTraffic);
    }

    [Fact]
    public async Task Agent_NetworkConnect_ReportsTheNewAddress()
    {
        var network = await _docker.CreateNetworkAsync("extra");
        var id = await _docker.RunHttpdAsync("web", 8080);
        await using var agent = await AgentHarness.StartAsync();
        await agent.Sink.WaitForEndpointAsync(e => e.ContainerId == id);

        await DockerCli.RunAsync("network", "connect", network, id);

        await agent.Sink.WaitForEndpointAsync(e => e.ContainerId == id && e.Addresses.Any(a => a.Network == network));
    }

    [Fact]
    public async Task Agent_Rename_ReportsTheNewName()
    {
        var id = await _docker.RunHttpdAsync("web", 8080);
        await using var agent = await AgentHarness.StartAsync();
        await agent.Sink.WaitForEndpointAsync(e => e.ContainerId == id);

        await DockerCli.RunAsync("rename", id, _docker.Name("renamed"));

        var renamed = await agent.Sink.WaitForEndpointAsync(e => e.ContainerId == id && e.ContainerName == _docker.Name("renamed"));
        Assert.Equal([_docker.Name("renamed")], renamed.ServiceNames.ToArray());
    }

    [Fact]
    public async Task Agent_ReconcileInterval_ReListsEverything()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var interval = TimeSpan.FromSeconds(10);
        await using var agent = await AgentHarness.StartAsync(o => o.ReconcileInterval = interval, time);
        await agent.Sink.WaitForReconcileAsync(1);
        var id = await _docker.RunAsync("late", ["--label", "grand-ambassador.name=late"], DockerScope.Busybox, "sleep", "600");
        await agent.Sink.WaitForEndpointAsync(e => e.ContainerId == id);

        time.Advance(interval);

        var second = await agent.Sink.WaitForReconcileAsync(2);
        Assert.Contains(second.All, e => e.ContainerId == id && e.ServiceNames.Contains("late"));
    }

    [Fact]
    public async Task Agent_EngineUnreachableAtStart_ConnectsOnceItIsUp()
    {
        await using var relay = new SocketRelay();
        await using var agent = await AgentHarness.StartAsync(o => o.Endpoint = relay.Endpoint);
        await agent.Logger.WaitForAsync(EngineUnavailableEventId);

        await relay.StartAsync();

        await agent.Sink.WaitForReconcileAsync(1);
        Assert.All(
            agent.Logger.Entries.Where(e => e.Id.Id == EngineUnavailableEventId),
            e => Assert.DoesNotContain('\n', e.Message));
    }

    [Fact]
    public async Task Agent_EventStreamDrops_ReconnectsAndReLists()
    {
        await using var relay = new SocketRelay();
        await relay.StartAsync();
        await using var agent = await AgentHarness.StartAsync(o => o.Endpoint = relay.Endpoint);
        await agent.Sink.WaitForReconcileAsync(1);

        await relay.StopAsync();
        await agent.Logger.WaitForAsync(EngineUnavailableEventId);
        var whileDown = await _docker.RunHttpdAsync("while-down", 8080);
        await relay.StartAsync();

        // Only a re-list after reconnecting can see it: the reconcile interval is 10 minutes.
        await agent.Sink.WaitForReconcileAsync(2, r => r.All.Any(e => e.ContainerId == whileDown && e.Running));
        var afterwards = await _docker.RunHttpdAsync("after", 8080);
        await agent.Sink.WaitForAsync(c => c is SinkCall.Report r && r.Endpoint.ContainerId == afterwards);
    }

}
