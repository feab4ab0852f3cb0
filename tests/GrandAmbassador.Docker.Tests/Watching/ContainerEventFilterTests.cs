using Docker.DotNet.Models;
using GrandAmbassador.Docker.Watching;

namespace GrandAmbassador.Docker.Tests.Watching;

public sealed class ContainerEventFilterTests
{
    [Theory]
    [InlineData("start")]
    [InlineData("die")]
    [InlineData("destroy")]
    [InlineData("rename")]
    [InlineData("health_status: healthy")]
    [InlineData("health_status")]
    public void ContainerIdOf_ContainerEventsThatMatter_AreTheActor(string action)
    {
        Assert.Equal("abc", ContainerEventFilter.ContainerIdOf(Event("container", action, "abc")));
    }

    [Theory]
    [InlineData("exec_create: sh -c true")]
    [InlineData("exec_start: sh -c true")]
    [InlineData("exec_die")]
    [InlineData("attach")]
    [InlineData("resize")]
    public void ContainerIdOf_Noise_IsIgnored(string action)
    {
        Assert.Null(ContainerEventFilter.ContainerIdOf(Event("container", action, "abc")));
    }

    [Theory]
    [InlineData("connect")]
    [InlineData("disconnect")]
    public void ContainerIdOf_NetworkConnect_IsTheContainerAttribute(string action)
    {
        var message = Event("network", action, "network-id", new Dictionary<string, string> { ["container"] = "abc", ["name"] = "bridge" });

        Assert.Equal("abc", ContainerEventFilter.ContainerIdOf(message));
    }

    [Fact]
    public void ContainerIdOf_NetworkCreate_IsIgnored()
    {
        Assert.Null(ContainerEventFilter.ContainerIdOf(Event("network", "create", "network-id")));
    }

    private static Message Event(string type, string action, string actorId, Dictionary<string, string>? attributes = null) => new()
    {
        Type = type,
        Action = action,
        Actor = new Actor { ID = actorId, Attributes = attributes ?? [] },
    };
}
