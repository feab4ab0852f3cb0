using System.Text;
using GrandAmbassador.Engines.Tests.Lab;
using GrandAmbassador.Testing;

namespace GrandAmbassador.Engines.Tests;

/// <summary>
/// What a user relies on, on every engine: each test is one behaviour, run on each engine of the
/// lab (<see cref="LabEngine.Names"/>). The support matrix (tests/lab/engines/matrix.sh) is read
/// from these results, so a behaviour's name here is its row there.
/// </summary>
public sealed class EngineBehaviourTests
{
    private static readonly TimeSpan UdpGuard = TimeSpan.FromSeconds(5);

    [Theory]
    [MemberData(nameof(LabEngine.Names), MemberType = typeof(LabEngine))]
    public async Task FrontsByName_EveryExposedPort_TcpAndUdp_StartedBeforeTheContainer(string engineName)
    {
        var engine = LabEngine.Get(engineName);
        await using var scope = new EngineScope(engine);
        int tcp = FreePort.Next(), udp = FreePort.Next();
        var name = scope.Name("echo");
        await using var agent = await AgentInEngine.StartAsync(engine, "--name", name);
        // Never seen: its ports are not known yet, and the agent says so (nothing listens, so nothing is "held").
        await agent.LineAsync(3016, $"no container named {name} has been seen yet");

        await scope.RunAsync("echo", ["--expose", $"{tcp}", "--expose", $"{udp}/udp"], EngineScope.Socat, "sh", "-c",
            $"socat TCP-LISTEN:{tcp},fork,reuseaddr EXEC:cat & exec socat -b 65536 UDP-RECVFROM:{udp},fork,reuseaddr EXEC:cat");
        await agent.RoutedAsync(name, tcp);
        await agent.RoutedAsync(name, udp, "udp");

        Assert.Equal("over tcp", await Eventually.GetAsync(() => Clients.ExchangeAsync(agent.Endpoint(tcp), "over tcp", halfClose: true)));
        var reply = await Eventually.GetAsync(() => Clients.UdpRoundTripAsync(agent.Endpoint(udp), "over udp"u8.ToArray(), UdpGuard));
        Assert.Equal("over udp", Encoding.ASCII.GetString(reply));
    }

    /// <summary>
    /// A container the host cannot reach (no network: <c>--network none</c> here, as rootless Podman
    /// leaves every container): the agent says so in one line, and <c>status</c> says where it is reachable from.
    /// </summary>
    [Theory]
    [MemberData(nameof(LabEngine.Names), MemberType = typeof(LabEngine))]
    public async Task NoAddress_IsSaidInOneLine_AndStatusShowsIt(string engineName)
    {
        var engine = LabEngine.Get(engineName);
        await using var scope = new EngineScope(engine);
        int port = FreePort.Next(), gateway = FreePort.Next();
        var name = scope.Name("isolated");
        await scope.RunHttpdAsync("isolated", port, "--network", "none");
        // --port: Podman 4 reports no exposed port for a container without a network, so nothing else would listen.
        await using var agent = await AgentInEngine.StartAsync(
            engine, "--name", name, "--port", $"{port}", "--gateway-port", $"{gateway}", "--silo-port", $"{FreePort.Next()}");

        await agent.LineAsync(3005, name, $"unreachable for {port}/tcp: it has no network address");
        var (exitCode, text, error) = await ProcessRunner.RunAsync(
            "nsenter", [$"--net=/run/netns/{engine.Namespace}", "dotnet", Repository.AmbassadorDll, "status", name, "--gateway-port", $"{gateway}"],
            TimeSpan.FromSeconds(60));
        Assert.True(exitCode == 0, $"status exited {exitCode}: {error}");
        Assert.Contains("reachable from nowhere: it has no network address", text, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(LabEngine.Names), MemberType = typeof(LabEngine))]
    public async Task FollowsARestart_AndARecreationUnderTheSameName(string engineName)
    {
        var engine = LabEngine.Get(engineName);
        await using var scope = new EngineScope(engine);
        var port = FreePort.Next();
        var name = scope.Name("web");
        await scope.RunHttpdAsync("web", port);
        await using var agent = await AgentInEngine.StartAsync(engine, "--name", name);
        await agent.RoutedAsync(name, port);
        Assert.Equal(Clients.HttpOk, await Clients.HttpGetStatusAsync(agent.Endpoint(port)));

        var firstRun = await scope.InspectAsync(name, "{{.State.StartedAt}}");
        var restarted = DateTime.UtcNow;
        await engine.DockerAsync("restart", "-t", "1", name);
        Assert.NotEqual(firstRun, await scope.InspectAsync(name, "{{.State.StartedAt}}"));
        // The route names the run it goes to ("started …"): a new line is the restart followed.
        await agent.RoutedAsync(name, port, since: restarted);
        Assert.Equal(Clients.HttpOk, await Eventually.GetAsync(() => Clients.HttpGetStatusAsync(agent.Endpoint(port))));

        var recreated = DateTime.UtcNow;
        await engine.DockerAsync("rm", "-f", name);
        var id = await scope.RunHttpdAsync("web", port);
        await agent.LineSinceAsync(recreated, 3002, $"{name}: {port}/tcp -> ", $" {id[..12]} ");
        Assert.Equal(Clients.HttpOk, await Eventually.GetAsync(() => Clients.HttpGetStatusAsync(agent.Endpoint(port))));
    }

    [Theory]
    [MemberData(nameof(LabEngine.Names), MemberType = typeof(LabEngine))]
    public async Task StopMarksStopping_WhileHupChangesNothing(string engineName)
    {
        var engine = LabEngine.Get(engineName);
        await using var scope = new EngineScope(engine);
        var port = FreePort.Next();
        var name = scope.Name("reload");
        // PID 1 ignores TERM and HUP (an nginx-like server reloads on HUP): `docker stop` then
        // takes its whole timeout, during which the container runs and must be draining.
        await scope.RunAsync("reload", ["--expose", $"{port}"], EngineScope.Busybox, "sh", "-c",
            $"trap '' TERM HUP; httpd -p {port} -h /www; while true; do sleep 1; done");
        await using var agent = await AgentInEngine.StartAsync(engine, "--name", name);
        await agent.RoutedAsync(name, port);

        var hup = DateTime.UtcNow;
        await engine.DockerAsync("kill", "-s", "HUP", name);
        // The kill event is followed by a re-inspect (the judgement line); the container stays in.
        await agent.JudgedAsync(hup, name, "running True, health None, stopping False");
        Assert.False(agent.Logged(3003, $"{name}: {port}/tcp"), "a HUP must not take the container out of rotation");
        Assert.Equal(Clients.HttpOk, await Clients.HttpGetStatusAsync(agent.Endpoint(port)));

        var stop = DateTime.UtcNow;
        var stopping = engine.DockerAsync("stop", "-t", "40", name);
        // Out of rotation while it still runs (Docker: at its kill event; Podman: at the next re-list).
        await agent.LineSinceAsync(stop, 3003, $"{name}: {port}/tcp");
        Assert.False(stopping.IsCompleted, "marked stopping only once it had exited: too late to drain");
        if (engine.IsPodman)
        {
            // Podman sends nothing when a stop begins: the agent says so once, in one line.
            await agent.LineAsync(2012, $"{engine.Product}: the engine sends no event when a stop begins");
        }

        await engine.DockerAsync("kill", name);
        await stopping;
    }

    [Theory]
    [MemberData(nameof(LabEngine.Names), MemberType = typeof(LabEngine))]
    public async Task HealthCheck_HoldsTrafficUntilHealthy(string engineName)
    {
        var engine = LabEngine.Get(engineName);
        await using var scope = new EngineScope(engine);
        var port = FreePort.Next();
        var name = scope.Name("health");
        await using var agent = await AgentInEngine.StartAsync(engine, "--name", name);
        var created = DateTime.UtcNow;
        await scope.RunHttpdAsync("health", port, "--health-cmd", "test -e /tmp/ready", "--health-interval", "1s", "--health-retries", "1");
        await agent.JudgedAsync(created, name, "health Starting");
        Assert.False(agent.Logged(3002, $"{name}: {port}/tcp -> "), "routed before its health check passed");

        await engine.DockerAsync("exec", name, "sh", "-c", ": > /tmp/ready");
        if (engine.IsPodman)
        {
            await engine.RunPodmanHealthCheckAsync(name);
        }

        await agent.RoutedAsync(name, port);
        Assert.Equal(Clients.HttpOk, await Clients.HttpGetStatusAsync(agent.Endpoint(port)));
    }

    [Theory]
    [MemberData(nameof(LabEngine.Names), MemberType = typeof(LabEngine))]
    public async Task UserDefinedAndMultipleNetworks_AreFollowed(string engineName)
    {
        var engine = LabEngine.Get(engineName);
        await using var scope = new EngineScope(engine);
        var port = FreePort.Next();
        var name = scope.Name("nets");
        var front = await scope.CreateNetworkAsync("front");
        var back = await scope.CreateNetworkAsync("back");
        await scope.RunHttpdAsync("nets", port, "--network", front);
        await engine.DockerAsync("network", "connect", back, name);
        await using var agent = await AgentInEngine.StartAsync(engine, "--name", name);
        var routed = await agent.RoutedAsync(name, port);
        Assert.Equal(Clients.HttpOk, await Clients.HttpGetStatusAsync(agent.Endpoint(port)));

        // Take away the network it is dialled on: the route moves to its address on the other one.
        var frontAddress = await AddressOnAsync(scope, name, front);
        var backAddress = await AddressOnAsync(scope, name, back);
        var (used, other) = routed.Contains($"{frontAddress}:{port}", StringComparison.Ordinal) ? (front, backAddress) : (back, frontAddress);
        var disconnected = DateTime.UtcNow;
        await engine.DockerAsync("network", "disconnect", used, name);
        await agent.LineSinceAsync(disconnected, 3002, $"{name}: {port}/tcp -> ", $"{other}:{port}");
        Assert.Equal(Clients.HttpOk, await Clients.HttpGetStatusAsync(agent.Endpoint(port)));
    }

    private static Task<string> AddressOnAsync(EngineScope scope, string container, string network) =>
        scope.InspectAsync(container, $"{{{{(index .NetworkSettings.Networks \"{network}\").IPAddress}}}}");

    [Theory]
    [MemberData(nameof(LabEngine.Names), MemberType = typeof(LabEngine))]
    public async Task NameLabel_FrontsAContainerByItsLabel(string engineName)
    {
        var engine = LabEngine.Get(engineName);
        await using var scope = new EngineScope(engine);
        var port = FreePort.Next();
        var name = scope.Name("service");
        await scope.RunHttpdAsync("replica-1", port, "--label", $"grand-ambassador.name={name}");
        await using var agent = await AgentInEngine.StartAsync(engine, "--name", name);
        await agent.RoutedAsync(name, port);
        Assert.Equal(Clients.HttpOk, await Clients.HttpGetStatusAsync(agent.Endpoint(port)));
    }

    [Theory]
    [MemberData(nameof(LabEngine.Names), MemberType = typeof(LabEngine))]
    public async Task EngineRestart_KeepsServing_AndEventsResume(string engineName)
    {
        var engine = LabEngine.Get(engineName);
        await using var scope = new EngineScope(engine);
        var port = FreePort.Next();
        var name = scope.Name("steady");
        await scope.RunHttpdAsync("steady", port);
        await using var agent = await AgentInEngine.StartAsync(engine, "--name", name);
        await agent.RoutedAsync(name, port);

        var stopped = DateTime.UtcNow;
        var starting = stopped;
        try
        {
            await engine.StopEngineAsync();
            await agent.LineSinceAsync(stopped, 2002, "unavailable");
            // The container runs on (live-restore, conmon), and so does its route: flagged stale.
            Assert.Equal(Clients.HttpOk, await Clients.HttpGetStatusAsync(agent.Endpoint(port)));
        }
        finally
        {
            // Marked before the start: the agent may be back before the start command returns.
            starting = DateTime.UtcNow;
            await engine.StartEngineAsync();
        }

        await agent.LineSinceAsync(starting, 2001, "Watching Docker engine");
        Assert.Equal(Clients.HttpOk, await Clients.HttpGetStatusAsync(agent.Endpoint(port)));

        // Events resume: a restart and a second replica after the reconnect are both followed.
        var after = DateTime.UtcNow;
        await engine.DockerAsync("restart", "-t", "1", name);
        await agent.RoutedAsync(name, port, since: after);
        await scope.RunHttpdAsync("replica", port, "--label", $"grand-ambassador.name={name}");
        var replicaAddress = await scope.InspectAsync(scope.Name("replica"), "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}");
        await agent.LineSinceAsync(after, 3002, $"{name}: {port}/tcp -> ", $"{replicaAddress}:{port}");
        Assert.Equal(Clients.HttpOk, await Eventually.GetAsync(() => Clients.HttpGetStatusAsync(agent.Endpoint(port))));
    }

    [Theory]
    [MemberData(nameof(LabEngine.Names), MemberType = typeof(LabEngine))]
    public async Task ReadOnlySocketProxy_AllowsEverythingTheAgentAsks(string engineName)
    {
        var engine = LabEngine.Get(engineName);
        await using var scope = new EngineScope(engine);
        await using var proxy = await ReadOnlySocketProxy.StartAsync(engine);
        var port = FreePort.Next();
        var name = scope.Name("behind-proxy");
        await scope.RunHttpdAsync("behind-proxy", port);
        await using var agent = await AgentInEngine.StartAsync(engine, proxy.Endpoint, "--name", name);
        await agent.RoutedAsync(name, port);
        Assert.Equal(Clients.HttpOk, await Clients.HttpGetStatusAsync(agent.Endpoint(port)));

        var restarted = DateTime.UtcNow;
        await engine.DockerAsync("restart", "-t", "1", name);
        await agent.RoutedAsync(name, port, since: restarted);

        Assert.NotEmpty(proxy.Requests);
        Assert.All(proxy.Requests, r => Assert.True(r.Status == 200, $"{r.Method} {r.Path} answered {r.Status}"));
        Assert.Equal(403, (int)(await proxy.Client.PostAsync(new Uri($"/containers/{name}/stop", UriKind.Relative), null)).StatusCode);
    }
}
