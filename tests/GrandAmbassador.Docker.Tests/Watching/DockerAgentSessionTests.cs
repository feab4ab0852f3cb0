using GrandAmbassador.Docker.Inspection;
using GrandAmbassador.Docker.Tests.Fakes;
using GrandAmbassador.Docker.Tests.Lab;
using GrandAmbassador.Docker.Watching;
using GrandAmbassador.Testing;
using Microsoft.Extensions.Time.Testing;

namespace GrandAmbassador.Docker.Tests.Watching;

/// <summary>Unit tests of one agent session against a fake Docker client (no engine needed).</summary>
public sealed class DockerAgentSessionTests : IAsyncLifetime
{
    private const int EventQueueFullEventId = 2007;

    private readonly FakeDockerClient _client = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-27T10:00:00Z", null));
    private readonly RecordingEndpointSink _sink = new();
    private readonly RecordingLogger<DockerAgentSession> _logger = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ContainerDrains _drains = new();
    private readonly KnownContainers _known = new();
    private Task _session = Task.CompletedTask;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _session);
        _stop.Dispose();
    }

    [Fact]
    public async Task Session_SubscribesBeforeListing_SinceTheEnginesOwnClock()
    {
        var subscribedAtList = false;
        _client.FakeContainers.OnList = () => subscribedAtList = _client.FakeSystem.Subscription is not null;
        _client.FakeSystem.SystemTime = "2026-11-27T10:00:00.123456789Z";

        await StartAsync();

        Assert.True(subscribedAtList);
        var seconds = DateTimeOffset.Parse("2026-11-27T10:00:00Z", null).ToUnixTimeSeconds();
        // Docker's clock in nanoseconds, .NET's in 100 ns ticks: the last two digits are lost.
        Assert.Equal($"{seconds}.123456700", _client.FakeSystem.Subscription!.Since);
    }

    [Theory]
    [InlineData(null, "15", "1")]
    [InlineData(null, "15", "10")]
    [InlineData("SIGQUIT", "3", "15")]
    [InlineData("SIGUSR2", "12", "1")]
    public async Task Kill_WithAnotherSignal_ChangesNothing_WithTheStopSignal_MarksStopping(string? stopSignal, string stopNumber, string otherNumber)
    {
        _client.FakeContainers.Put("c1", stopSignal: stopSignal);
        await StartAsync();

        var other = await KillAsync("c1", otherNumber);
        Assert.False(other.Stopping);
        Assert.True(other.AcceptsTraffic);

        var stopping = await KillAsync("c1", stopNumber);
        Assert.True(stopping.Stopping);
        Assert.True(stopping.Running);
    }

    [Fact]
    public async Task Kill_WithSigkill_MarksStopping_AndDieClearsIt()
    {
        _client.FakeContainers.Put("c1", stopSignal: "SIGQUIT");
        await StartAsync();

        Assert.True((await KillAsync("c1", "9")).Stopping);

        _client.FakeContainers.Put("c1", running: false);
        var before = _sink.Calls.Count;
        await _client.FakeSystem.SendAsync(FakeSystemOperations.Event("die", "c1"));
        var died = await ReportAfterAsync(before, "c1");
        Assert.False(died.Running);
        Assert.False(died.Stopping);
    }

    [Fact]
    public async Task Stopping_StillRunningAfterItsStopTimeoutAndAMargin_IsJudgedAgain()
    {
        _client.FakeContainers.Put("c1", stopTimeout: TimeSpan.FromSeconds(2));
        await StartAsync();
        Assert.True((await KillAsync("c1", "15")).Stopping);

        var before = _sink.Calls.Count;
        _time.Advance(TimeSpan.FromSeconds(2) + StoppingContainers.Margin);

        var again = await ReportAfterAsync(before, "c1");
        Assert.True(again.Running);
        Assert.False(again.Stopping);
    }

    [Fact]
    public async Task EventsFasterThanTheAgent_OverflowTheQueue_IntoOneFullReList()
    {
        _client.FakeContainers.Put("c1");
        await StartAsync();
        _client.FakeContainers.Hold();
        await _client.FakeSystem.SendAsync(FakeSystemOperations.Event("start", "c1"));
        await _client.FakeContainers.Waiting;

        // The agent is stuck in an inspect: 2,000 more events cannot all queue (1,024 do).
        await _client.FakeSystem.SendAsync([.. Enumerable.Range(0, 2000).Select(_ => FakeSystemOperations.Event("health_status: healthy", "c1"))]);
        await _logger.WaitForAsync(EventQueueFullEventId);
        _client.FakeContainers.Release();

        var relist = await _sink.WaitForReconcileAsync(2);
        Assert.Equal("c1", Assert.Single(relist.All).ContainerId);
        Assert.Single(_logger.Entries, entry => entry.Id.Id == EventQueueFullEventId);
    }

    [Fact]
    public async Task ReportsAndRemovals_AreNumberedInTheOrderTheAgentLearnsThem()
    {
        _client.FakeContainers.Put("c1");
        await StartAsync();
        var listed = await _sink.WaitForReconcileAsync(1);
        var first = Assert.Single(listed.All);

        var killed = await KillAsync("c1", "1");
        _client.FakeContainers.Delete("c1");
        await _client.FakeSystem.SendAsync(FakeSystemOperations.Event("destroy", "c1"));
        var removed = (SinkCall.Remove)await _sink.WaitForAsync(call => call is SinkCall.Remove);

        Assert.True(first.Sequence > 0);
        Assert.True(listed.Sequence > first.Sequence);
        Assert.True(killed.Sequence > listed.Sequence);
        Assert.True(removed.Sequence > killed.Sequence);
    }

    [Fact]
    public async Task EveryCall_CarriesWhatTheAgentLastReported_AndAListTheContainersItNoLongerHas()
    {
        _client.FakeContainers.Put("c1");
        _client.FakeContainers.Put("c2");
        await StartAsync();
        var listed = await _sink.WaitForReconcileAsync(1);
        Assert.All(listed.Reports, report => Assert.Null(report.Previous));
        Assert.Empty(listed.Gone);

        // Relabelled: the sink is handed the report it replaces, whose names the container left.
        var before = _sink.Calls.Count;
        _client.FakeContainers.Put("c1", labels: new Dictionary<string, string> { ["grand-ambassador.name"] = "web" });
        await _client.FakeSystem.SendAsync(FakeSystemOperations.Event("start", "c1"));
        var relabelled = (SinkCall.Report)await _sink.WaitForAsync(call => call is SinkCall.Report { Endpoint.ContainerId: "c1" }, skip: before);
        Assert.Equal(listed.All.Single(endpoint => endpoint.ContainerId == "c1"), relabelled.Previous);
        Assert.Contains("web", relabelled.Endpoint.ServiceNames);

        // Destroyed: the last report goes with the removal; an id never reported has none.
        _client.FakeContainers.Delete("c1");
        await _client.FakeSystem.SendAsync(FakeSystemOperations.Event("destroy", "c1"));
        var removed = (SinkCall.Remove)await _sink.WaitForAsync(call => call is SinkCall.Remove { ContainerId: "c1" });
        Assert.Equal(relabelled.Endpoint, removed.Last);
        await _client.FakeSystem.SendAsync(FakeSystemOperations.Event("destroy", "c9"));
        Assert.Null(((SinkCall.Remove)await _sink.WaitForAsync(call => call is SinkCall.Remove { ContainerId: "c9" })).Last);

        // Gone without an event: the next list names it gone, as last reported, once.
        _client.FakeContainers.Delete("c2");
        _time.Advance(TimeSpan.FromHours(1));
        var relisted = await _sink.WaitForReconcileAsync(2);
        Assert.Empty(relisted.All);
        Assert.Equal([listed.All.Single(endpoint => endpoint.ContainerId == "c2")], relisted.Gone);
        Assert.Null(_known.Find("c2"));
    }

    [Fact]
    public async Task Kill_WithTheStopSignal_IsReportedStopping_BeforeTheInspectItAlsoBrings()
    {
        _client.FakeContainers.Put("c1");
        await StartAsync();
        _client.FakeContainers.Hold();

        // The engine does not answer the inspect until released: the Stopping report must not wait for it.
        var stopping = await KillAsync("c1", "15");
        Assert.True(stopping.Stopping);
        Assert.True(stopping.Running);

        await _client.FakeContainers.Waiting;
        var before = _sink.Calls.Count;
        _client.FakeContainers.Release();
        Assert.True((await ReportAfterAsync(before, "c1")).Stopping);
    }

    [Fact]
    public async Task Drain_IsReportedStoppingAtOnce_InTheAgentsOrder_AndEveryLaterReportKeepsIt()
    {
        _client.FakeContainers.Put("c1");
        await StartAsync();
        var listed = await _sink.WaitForReconcileAsync(1);
        var inspections = _client.FakeContainers.Inspections;

        var before = _sink.Calls.Count;
        var mark = _drains.SetDrained("c1", drained: true);
        var drained = await ReportAfterAsync(before, "c1");

        Assert.Null(mark.Error);
        Assert.Equal(new Contracts.Endpoints.ContainerKey("host-a", "c1"), mark.Container);
        Assert.True(drained.Stopping);
        Assert.True(drained.Sequence > listed.Sequence);
        Assert.Equal(inspections, _client.FakeContainers.Inspections);

        // Inspect says running and nothing signalled it: the drain still holds.
        var later = await EventAsync("health_status: healthy", "c1");
        Assert.True(later.Stopping);
        Assert.True(later.Sequence > drained.Sequence);
    }

    [Fact]
    public async Task Undrain_AndTheContainersNextStart_PutItBack()
    {
        var firstRun = DateTimeOffset.Parse("2026-11-27T09:00:00Z", null);
        _client.FakeContainers.Put("c1", startedAt: firstRun);
        await StartAsync();

        var before = _sink.Calls.Count;
        _drains.SetDrained("c1", drained: true);
        Assert.True((await ReportAfterAsync(before, "c1")).Stopping);
        before = _sink.Calls.Count;
        _drains.SetDrained("c1", drained: false);
        Assert.False((await ReportAfterAsync(before, "c1")).Stopping);

        before = _sink.Calls.Count;
        _drains.SetDrained("c1", drained: true);
        Assert.True((await ReportAfterAsync(before, "c1")).Stopping);
        _client.FakeContainers.Put("c1", startedAt: firstRun.AddMinutes(5));
        Assert.False((await EventAsync("start", "c1")).Stopping);
        Assert.False((await EventAsync("health_status: healthy", "c1")).Stopping);
    }

    [Fact]
    public async Task Drain_ByAnUnknownOrAmbiguousName_IsRefused_ByAUniqueIdPrefix_Marks()
    {
        _client.FakeContainers.Put("abc1");
        _client.FakeContainers.Put("abc2");
        await StartAsync();

        Assert.Equal("no container web on host host-a", _drains.SetDrained("web", drained: true).Error);
        Assert.Equal("ab matches 2 containers on host host-a: abc1, abc2", _drains.SetDrained("ab", drained: true).Error);
        Assert.Equal("abc2", _drains.SetDrained("abc2", drained: true).ContainerName);
    }

    private async Task<Contracts.Endpoints.ContainerEndpoint> EventAsync(string action, string id)
    {
        var before = _sink.Calls.Count;
        await _client.FakeSystem.SendAsync(FakeSystemOperations.Event(action, id));
        return await ReportAfterAsync(before, id);
    }

    private async Task StartAsync()
    {
        var listed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var session = new DockerAgentSession(
            _client,
            new ContainerInspector(new HostIdentity("host-a", "192.0.2.10")),
            _sink,
            new AgentSequence(_time),
            _known,
            _drains.Drained,
            _time,
            TimeSpan.FromHours(1),
            TimeSpan.FromDays(1),
            _logger);
        _drains.Attach("host-a", _known);
        _drains.SessionStarted(session);
        _session = session.RunAsync(_ => listed.TrySetResult(), _stop.Token);
        await listed.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private async Task<Contracts.Endpoints.ContainerEndpoint> KillAsync(string id, string signal)
    {
        var before = _sink.Calls.Count;
        await _client.FakeSystem.SendAsync(FakeSystemOperations.Event("kill", id, ("signal", signal)));
        return await ReportAfterAsync(before, id);
    }

    private async Task<Contracts.Endpoints.ContainerEndpoint> ReportAfterAsync(int before, string id) =>
        ((SinkCall.Report)await _sink.WaitForAsync(call => call is SinkCall.Report report && report.Endpoint.ContainerId == id, skip: before)).Endpoint;
}
