using Docker.DotNet.Models;
using GrandAmbassador.Docker.Inspection;

namespace GrandAmbassador.Docker.Tests.Inspection;

/// <summary>A list entry's fingerprint: equal when only time passed, different when inspect may say something new.</summary>
public sealed class ListedContainerTests
{
    [Theory]
    [InlineData("Up 5 minutes (healthy)", "(healthy)")]
    [InlineData("Up Less than a second (health: starting)", "(health: starting)")]
    [InlineData("Up 2 hours (unhealthy)", "(unhealthy)")]
    [InlineData("Up 3 days", null)]
    [InlineData("Exited (0) 3 minutes ago", null)]
    [InlineData("Created", null)]
    [InlineData(null, null)]
    public void Health_IsWhatTheStatusEndsWithInParentheses(string? status, string? health) =>
        Assert.Equal(health, ListedContainer.HealthOf(status));

    [Fact]
    public void OnlyTimePassing_ChangesNothing()
    {
        var before = ListedContainer.From(Docker("Up 5 minutes (healthy)", ports: [Port("0.0.0.0"), Port("::")]));
        // Docker builds the ports from a map: their order differs from list to list.
        var after = ListedContainer.From(Docker("Up 6 minutes (healthy)", ports: [Port("::"), Port("0.0.0.0")]));

        Assert.Equal(before, after);
        Assert.Equal(before.GetHashCode(), after.GetHashCode());
    }

    [Fact]
    public void PodmansShape_MissingFields_CompareEqualListToList()
    {
        // Podman 4.3: no HostConfig, no health in Status, ports without IP, an empty EndpointID.
        static ContainerListResponse Podman(string status) => new()
        {
            ID = "c1",
            Names = ["/web"],
            State = "running",
            Status = status,
            Ports = [new PortSummary { PrivatePort = 8080, PublicPort = 18080, Type = "tcp" }],
            NetworkSettings = new NetworkSettingsSummary
            {
                Networks = new Dictionary<string, EndpointSettings> { ["podman"] = new() { IPAddress = "10.88.0.5", IPPrefixLen = 16, EndpointID = "" } },
            },
        };

        Assert.Equal(ListedContainer.From(Podman("Up 8 seconds")), ListedContainer.From(Podman("Up 13 minutes")));
        // Podman sends no event when a stop begins: its list's state says it.
        var stopping = Podman("Stopping");
        stopping.State = "stopping";
        Assert.NotEqual(ListedContainer.From(Podman("Up 8 seconds")), ListedContainer.From(stopping));
    }

    [Theory]
    [InlineData("state")]
    [InlineData("health")]
    [InlineData("address")]
    [InlineData("endpoint")]
    [InlineData("network")]
    [InlineData("label")]
    [InlineData("name")]
    [InlineData("port")]
    [InlineData("image")]
    public void WhatInspectWouldShowDifferently_IsAChange(string change)
    {
        var before = Docker("Up 5 minutes (healthy)");
        var after = Docker("Up 6 minutes (healthy)");
        switch (change)
        {
            case "state":
                after.State = "exited";
                break;
            case "health":
                after.Status = "Up 6 minutes (unhealthy)";
                break;
            case "address":
                after.NetworkSettings!.Networks["bridge"].IPAddress = "172.17.0.9";
                break;
            case "endpoint":
                after.NetworkSettings!.Networks["bridge"].EndpointID = "ep2";
                break;
            case "network":
                after.NetworkSettings!.Networks["backend"] = new EndpointSettings { IPAddress = "172.18.0.2" };
                break;
            case "label":
                after.Labels["grand-ambassador.name"] = "api";
                break;
            case "name":
                after.Names = ["/web2"];
                break;
            case "port":
                after.Ports = [Port("0.0.0.0", publicPort: 18081)];
                break;
            case "image":
                after.ImageID = "sha256:other";
                break;
        }

        Assert.NotEqual(ListedContainer.From(before), ListedContainer.From(after));
    }

    private static ContainerListResponse Docker(string status, IList<PortSummary>? ports = null) => new()
    {
        ID = "c1",
        Names = ["/web"],
        Image = "busybox",
        ImageID = "sha256:one",
        Created = new DateTime(2026, 11, 27, 10, 0, 0, DateTimeKind.Utc),
        State = "running",
        Status = status,
        Labels = new Dictionary<string, string> { ["grand-ambassador.name"] = "web", ["a"] = "b" },
        Ports = ports ?? [Port("0.0.0.0")],
        HostConfig = new SummaryHostConfig { NetworkMode = "bridge" },
        NetworkSettings = new NetworkSettingsSummary
        {
            Networks = new Dictionary<string, EndpointSettings>
            {
                ["bridge"] = new() { IPAddress = "172.17.0.2", IPPrefixLen = 16, Gateway = "172.17.0.1", EndpointID = "ep1" },
            },
        },
    };

    private static PortSummary Port(string ip, ushort publicPort = 18080) => new() { IP = ip, PrivatePort = 8080, PublicPort = publicPort, Type = "tcp" };
}
