using System.Net;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;
using GrandAmbassador.Docker.Inspection;
using GrandAmbassador.Docker.Watching;
using Microsoft.Extensions.Time.Testing;

namespace GrandAmbassador.Docker.Tests.Watching;

/// <summary>
/// Events and inspect answers in the shapes engines other than the lab's root one send. The API
/// 1.52 events below are built by hand (labelled so): no engine with API 1.52 (Docker 29) runs
/// here; the Podman shapes are as the lab's Podman 4.3 and 5.8 sent them (EngineBehaviourTests
/// run the same on the real engines).
/// </summary>
public sealed class EngineEventShapesTests
{
    private static readonly HostIdentity Host = new("test-host", "192.0.2.10");

    // API 1.52 (Docker 29) dropped the top-level status, id and from: only Type, Action, Actor,
    // scope and time remain. The agent reads nothing else.
    private static Message Api152Event(string type, string action, string actorId, params (string Key, string Value)[] attributes) => new()
    {
        Type = type,
        Action = action,
        Actor = new Actor { ID = actorId, Attributes = attributes.ToDictionary(a => a.Key, a => a.Value) },
        Scope = "local",
        Time = 1_796_000_000,
        TimeNano = 1_796_000_000_000_000_000,
    };

    [Theory]
    [InlineData("start")]
    [InlineData("die")]
    [InlineData("destroy")]
    [InlineData("health_status: healthy")]
    public void Api152Events_WithoutStatusIdOrFrom_AreReadByActionAndActor(string action)
    {
        // One line of a 1.52 /events stream, as the engine writes it (JSON), read by the client's model.
        var json = $$$"""{"Type":"container","Action":"{{{action}}}","Actor":{"ID":"abc","Attributes":{"image":"nginx","name":"web"}},"scope":"local","time":1796000000,"timeNano":1796000000000000000}""";
        var message = JsonSerializer.Deserialize<Message>(json) ?? throw new InvalidOperationException("no event");

        Assert.Equal("abc", ContainerEventFilter.ContainerIdOf(message));
    }

    [Fact]
    public void Api152NetworkConnect_IsAboutTheContainerInItsAttributes()
    {
        Assert.Equal("abc", ContainerEventFilter.ContainerIdOf(Api152Event("network", "connect", "net-id", ("container", "abc"))));
    }

    [Fact]
    public void Api152Kill_WithTheStopSignal_MarksStopping()
    {
        var stopping = new StoppingContainers(new FakeTimeProvider());
        stopping.Observe(Api152Event("container", "kill", "abc", ("signal", "15")));

        Assert.True(stopping.Mark(Running("abc", status: "running", running: true)).Stopping);
    }

    [Fact]
    public void PodmanKill_WithoutASignal_MarksNothing()
    {
        // Podman's kill event for `docker kill -s HUP` (an nginx reload) carries no signal.
        var stopping = new StoppingContainers(new FakeTimeProvider());
        stopping.Observe(Api152Event("container", "kill", "abc", ("name", "web"), ("image", "localhost/nginx")));

        var endpoint = stopping.Mark(Running("abc", status: "running", running: true));

        Assert.False(endpoint.Stopping);
        Assert.True(endpoint.AcceptsTraffic);
    }

    [Theory]
    [InlineData("stopping", false)] // Podman 4.3 during `podman stop`
    [InlineData("running", false)]  // Podman 5.8 during `podman stop`: Status running, Running false
    public void PodmanStoppingState_IsRunningAndStopping(string status, bool running)
    {
        var endpoint = Running("abc", status, running).Endpoint;

        Assert.True(endpoint.Running, "it still serves the connections it has");
        Assert.True(endpoint.Stopping, "it gets no new ones");
    }

    [Fact]
    public void PodmanRemove_IsARemoval()
    {
        Assert.Equal("abc", ContainerEventFilter.ContainerIdOf(Api152Event("container", "remove", "abc")));
    }

    [Fact]
    public void PodmanNoSuchContainer_500_IsTheContainerGone_AndOther500sAreNot()
    {
        var gone = new DockerApiException(HttpStatusCode.InternalServerError, """{"cause":"no such container","message":"no container with name or ID \"x\" found: no such container","response":500}""");
        var broken = new DockerApiException(HttpStatusCode.InternalServerError, """{"cause":"database is locked","message":"x","response":500}""");

        Assert.True(ContainerInspector.IsPodmanNoSuchContainer(gone));
        Assert.False(ContainerInspector.IsPodmanNoSuchContainer(broken));
    }

    private static InspectedContainer Running(string id, string status, bool running) => new(
        ContainerEndpointMapper.ToEndpoint(
            new ContainerInspectResponse
            {
                ID = id,
                Name = "/web",
                State = new State { Status = status, Running = running, StartedAt = "2026-12-02T10:00:00Z" },
                Config = new ContainerConfig(),
                NetworkSettings = new NetworkSettings(),
            },
            Host),
        StopSignals.Terminate,
        StopSignals.DefaultStopTimeout);
}
