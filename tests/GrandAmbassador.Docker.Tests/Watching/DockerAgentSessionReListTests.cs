using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Docker.Inspection;
using GrandAmbassador.Docker.Tests.Fakes;
using GrandAmbassador.Docker.Tests.Lab;
using GrandAmbassador.Docker.Watching;
using GrandAmbassador.Testing;
using Microsoft.Extensions.Time.Testing;

namespace GrandAmbassador.Docker.Tests.Watching;

/// <summary>
/// The periodic re-list inspects only what its list shows new or changed, everything in a full sweep (at a
/// session's first list and every sweep interval), and still hands the sink the full set (issue 20).
/// </summary>
public sealed class DockerAgentSessionReListTests : IAsyncLifetime
{
    private const int FullSweepEventId = 2013;

    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Sweep = TimeSpan.FromMinutes(5);

    private readonly FakeDockerClient _client = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-27T10:00:00Z", null));
    private readonly RecordingEndpointSink _sink = new();
    private readonly RecordingLogger<DockerAgentSession> _logger = new();
    private readonly ContainerDrains _drains = new();
    private readonly KnownContainers _known = new();
    private CancellationTokenSource _stop = new();
    private DockerAgentSession? _session;
    private Task _running = Task.CompletedTask;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => StopAsync();

    [Fact]
    public async Task AtRest_ReListsInspectNothing_AndStillReportTheFullSet()
    {
        _client.FakeContainers.Put("c1", address: "172.17.0.2", health: "healthy");
        _client.FakeContainers.Put("c2", address: "172.17.0.3");
        _client.FakeContainers.Put("c3", running: false);
        await StartAsync();
        Assert.Equal(3, _client.FakeContainers.Inspections);

        for (var i = 0; i < 10; i++)
        {
            var relisted = await TickAsync();
            Assert.Equal(["c1", "c2", "c3"], relisted.All.Select(endpoint => endpoint.ContainerId).Order(StringComparer.Ordinal));
            Assert.Empty(relisted.Gone);
        }

        Assert.Equal(3, _client.FakeContainers.Inspections);
    }

    [Theory]
    [InlineData("state")]
    [InlineData("address")]
    [InlineData("label")]
    [InlineData("health")]
    public async Task AChangedListEntry_IsInspected_AndItsNewStateReported_AnUnchangedOneIsNot(string change)
    {
        _client.FakeContainers.Put("c1", address: "172.17.0.2", health: "starting");
        _client.FakeContainers.Put("c2", address: "172.17.0.3");
        await StartAsync();
        await TickAsync();

        switch (change)
        {
            case "state":
                _client.FakeContainers.Put("c1", running: false, address: "172.17.0.2", health: "starting");
                break;
            case "address":
                _client.FakeContainers.Put("c1", address: "172.17.0.9", health: "starting");
                break;
            case "label":
                _client.FakeContainers.Put("c1", address: "172.17.0.2", health: "starting", labels: new Dictionary<string, string> { ["grand-ambassador.name"] = "web" });
                break;
            case "health":
                _client.FakeContainers.Put("c1", address: "172.17.0.2", health: "healthy");
                break;
        }

        var relisted = await TickAsync();

        Assert.Equal(2, _client.FakeContainers.InspectionsOf("c1"));
        Assert.Equal(1, _client.FakeContainers.InspectionsOf("c2"));
        var c1 = relisted.All.Single(endpoint => endpoint.ContainerId == "c1");
        Assert.Contains(relisted.All, endpoint => endpoint.ContainerId == "c2");
        switch (change)
        {
            case "state":
                Assert.False(c1.Running);
                break;
            case "address":
                Assert.Equal("172.17.0.9", Assert.Single(c1.Addresses).Address);
                break;
            case "label":
                Assert.Contains("web", c1.ServiceNames);
                break;
            case "health":
                Assert.Equal(ContainerHealth.Healthy, c1.Health);
                break;
        }
    }

    [Fact]
    public async Task AContainerOnlyTheListShows_IsInspectedAndReported_OneTheListLacks_IsGone()
    {
        _client.FakeContainers.Put("c1");
        await StartAsync();
        var first = await _sink.WaitForReconcileAsync(1);

        // Neither the create nor the destroy reached the agent as an event.
        _client.FakeContainers.Put("c2", address: "172.17.0.3");
        _client.FakeContainers.Delete("c1");
        var relisted = await TickAsync();

        Assert.Equal(1, _client.FakeContainers.InspectionsOf("c2"));
        Assert.Equal("172.17.0.3", Assert.Single(Assert.Single(relisted.All, endpoint => endpoint.ContainerId == "c2").Addresses).Address);
        Assert.DoesNotContain(relisted.All, endpoint => endpoint.ContainerId == "c1");
        Assert.Equal([first.All.Single()], relisted.Gone);
    }

    [Fact]
    public async Task AFullSweep_InspectsEveryContainer_EverySweepInterval()
    {
        _client.FakeContainers.Put("c1");
        _client.FakeContainers.Put("c2");
        await StartAsync();
        Assert.Equal(2, _client.FakeContainers.Inspections);

        var ticks = (int)(Sweep / Interval);
        for (var i = 1; i < ticks; i++)
        {
            await TickAsync();
        }

        Assert.Equal(2, _client.FakeContainers.Inspections);
        await TickAsync();
        Assert.Equal(4, _client.FakeContainers.Inspections);
        Assert.Equal(2, _logger.Entries.Count(entry => entry.Id.Id == FullSweepEventId));
    }

    [Fact]
    public async Task ANewSession_InspectsEveryContainer_AtItsFirstList()
    {
        _client.FakeContainers.Put("c1");
        _client.FakeContainers.Put("c2");
        await StartAsync();
        await TickAsync();
        Assert.Equal(2, _client.FakeContainers.Inspections);

        // The engine connection dropped: the agent starts a new session.
        await StopAsync();
        await StartAsync();

        Assert.Equal(2, _client.FakeContainers.InspectionsOf("c1"));
        Assert.Equal(2, _client.FakeContainers.InspectionsOf("c2"));
    }

    [Fact]
    public async Task AnEventReadWithATick_StillInspectsItsContainer_ThoughItsListEntryIsUnchanged()
    {
        // Podman's list has no health: only the event and the inspect it brings can tell.
        _client.FakeContainers.ListShowsHealth = false;
        _client.FakeContainers.Put("c1", health: "starting");
        _client.FakeContainers.Put("c2");
        await StartAsync();

        // The agent is stuck inspecting c2; c1's health event and the tick then queue together.
        _client.FakeContainers.Hold();
        await _client.FakeSystem.SendAsync(FakeSystemOperations.Event("start", "c2"));
        await _client.FakeContainers.Waiting;
        _client.FakeContainers.Put("c1", health: "healthy");
        await _client.FakeSystem.SendAsync(FakeSystemOperations.Event("health_status: healthy", "c1"));
        _time.Advance(Interval);
        await WaitForQueuedAsync(2);
        _client.FakeContainers.Release();

        var relisted = await _sink.WaitForReconcileAsync(2);
        Assert.Equal(ContainerHealth.Healthy, relisted.All.Single(endpoint => endpoint.ContainerId == "c1").Health);
        Assert.Equal(2, _client.FakeContainers.InspectionsOf("c1"));
    }

    private async Task StartAsync()
    {
        var listed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _session = new DockerAgentSession(
            _client,
            new ContainerInspector(new HostIdentity("host-a", "192.0.2.10")),
            _sink,
            new AgentSequence(_time),
            _known,
            _drains.Drained,
            _time,
            Interval,
            Sweep,
            _logger);
        _drains.Attach("host-a", _known);
        _drains.SessionStarted(_session);
        _running = _session.RunAsync(_ => listed.TrySetResult(), _stop.Token);
        await listed.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private async Task StopAsync()
    {
        await _stop.CancelAsync();
        if (_session is not null)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _running);
        }

        _stop.Dispose();
        _stop = new CancellationTokenSource();
        _session = null;
    }

    /// <summary>One reconcile interval passes: the re-list it brings.</summary>
    private async Task<SinkCall.Reconcile> TickAsync()
    {
        var reconciles = _sink.Calls.OfType<SinkCall.Reconcile>().Count();
        _time.Advance(Interval);
        return await _sink.WaitForReconcileAsync(reconciles + 1);
    }

    // The timer's tick reaches the queue from the thread pool: wait until it is there (taken before the count is
    // read, so that work queued in between is not missed).
    private async Task WaitForQueuedAsync(int count)
    {
        while (true)
        {
            var next = _session!.NextQueued;
            if (_session!.QueuedWork >= count)
            {
                return;
            }

            await next.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }
}
