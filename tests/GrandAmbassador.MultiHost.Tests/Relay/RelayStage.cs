using System.Net;
using GrandAmbassador.MultiHost.Tests.Lab;
using GrandAmbassador.Testing;

namespace GrandAmbassador.MultiHost.Tests.Relay;

/// <summary>
/// The stage of the relay tests (issue 17): a Redis on host a that exposes 6379 and publishes nothing (unless a
/// test publishes it), host a's grand-ambassador (an agent, so a relay), and host c's fronting the Redis's name,
/// the cluster on mutual TLS from the product's own <c>tls</c> commands (unless a test turns TLS off).
/// </summary>
internal sealed class RelayStage(LabScenario lab) : IDisposable
{
    /// <summary>The port local/redis:7 listens on and exposes (its image's EXPOSE): the port host c fronts.</summary>
    public const int RedisPort = 6379;

    /// <summary>The relay's port when none is given (<c>--relay-port</c>'s default).</summary>
    public const int DefaultRelayPort = 11112;

    private RelayCertificates? _certificates;

    /// <summary>The Redis's container name (also the name host c fronts).</summary>
    public string Db => $"{lab.Prefix}-db";

    /// <summary>The Redis's full container id on host a (the current one, after a re-creation).</summary>
    public string DbId { get; private set; } = "";

    public RelayCertificates Certificates => _certificates ?? throw new InvalidOperationException("this stage runs without TLS");

    /// <summary>Where a client reaches the Redis through host c's ambassador.</summary>
    public static IPEndPoint ThroughC => new(IPAddress.Parse(MultiHostLab.Address("c")), RedisPort);

    public static IPEndPoint RelayOf(string host, int port = DefaultRelayPort) => new(IPAddress.Parse(MultiHostLab.Address(host)), port);

    /// <summary>Makes the cluster's certificates; every ambassador started after this runs with its host's.</summary>
    public async Task UseTlsAsync()
    {
        _certificates = await RelayCertificates.MakeAsync();
        lab.Tls = _certificates.HostOptions;
    }

    /// <summary>
    /// The Redis on host a, as the issue runs it (<c>--expose 6379</c>, no <c>-p</c>), or published on
    /// <paramref name="publishedPort"/> at host a's address; returns its full id.
    /// </summary>
    public async Task<string> RunRedisAsync(int? publishedPort = null)
    {
        DbId = await MultiHostLab.DockerAsync("a", [
            "run", "-d", "--name", Db, "--expose", $"{RedisPort}",
            .. publishedPort is { } published ? new[] { "-p", $"{published}:{RedisPort}" } : [],
            "local/redis:7", "/usr/bin/redis-server", "--protected-mode", "no", "--bind", "0.0.0.0", "--save", ""]);
        return DbId;
    }

    /// <summary>
    /// Host a's ambassador (an agent and its relay) and host c's fronting <see cref="Db"/>, each with its
    /// options; returns once host c routes the name's port and a PING through it answered.
    /// </summary>
    public async Task StartAsync(string[]? aOptions = null, string[]? cOptions = null, bool withB = false)
    {
        lab.StartAmbassador("a", [], aOptions ?? []);
        if (withB)
        {
            lab.StartAmbassador("b", [], aOptions ?? []);
        }

        lab.StartAmbassador("c", [Db], cOptions ?? []);
        await WhileRunningAsync(RoutedAsync(), withB ? ["a", "b", "c"] : ["a", "c"]);
        Assert.Equal("+PONG", await PingAsync(ThroughC));
    }

    /// <summary>
    /// Awaits <paramref name="step"/>, unless one of these hosts' ambassadors exits first (a port another process
    /// holds, the lab shared with a run of someone else's): then fails at once, with what it said.
    /// </summary>
    public async Task<T> WhileRunningAsync<T>(Task<T> step, string[] hosts)
    {
        var exits = hosts.Select(async host => (Host: host, Code: await lab.Ambassador(host).WaitForExitAsync(TimeSpan.FromMinutes(10)))).ToList();
        var first = await Task.WhenAny(exits.Cast<Task>().Prepend(step));
        if (first != step && first is Task<(string Host, int Code)> { IsCompletedSuccessfully: true } exited)
        {
            var (host, code) = exited.Result;
            Assert.Fail($"host {host}'s grand-ambassador exited (code {code}) before the stage was up: {lab.Ambassador(host).Dump()}");
        }

        return await step;
    }

    /// <summary>Host c's route line for the Redis's port (at or after <paramref name="since"/>).</summary>
    public Task<(DateTime At, string Line)> RoutedAsync(DateTime since = default) =>
        lab.Ambassador("c").WaitForAsync(line => line.Contains($"{Db}: {RedisPort}/tcp -> ", StringComparison.Ordinal), since, TimeSpan.FromSeconds(120));

    /// <summary>One new connection, one PING: what it answered.</summary>
    public static async Task<string> PingAsync(IPEndPoint target)
    {
        await using var redis = await RedisConnection.OpenAsync(target);
        return await redis.CommandAsync("PING");
    }

    /// <summary>The run id of the Redis process a new connection reaches (it changes at each start of the container).</summary>
    public static async Task<string> RunIdAsync(IPEndPoint target)
    {
        await using var redis = await RedisConnection.OpenAsync(target);
        return RunIdOf(await redis.CommandAsync("INFO", "server"));
    }

    public static string RunIdOf(string info) =>
        info.Split("\r\n").Single(line => line.StartsWith("run_id:", StringComparison.Ordinal))["run_id:".Length..];

    /// <summary><c>grand-ambassador status</c> run from the test (with the test's certificate when TLS is on); its output.</summary>
    public async Task<string> StatusAsync()
    {
        var (exitCode, output, error) = await ProcessRunner.RunAsync(
            "dotnet", [Repository.AmbassadorDll, "status", "--all", "--cluster", MultiHostLab.Redis, "--cluster-id", lab.ClusterId, .. _certificates?.ProbeOptions ?? []],
            TimeSpan.FromSeconds(60));
        Assert.True(exitCode == 0, $"status exited {exitCode}: {output}{error}");
        return output;
    }

    /// <summary>
    /// <c>status</c> run again until its output holds <paramref name="text"/> (an ambassador registers how it reaches
    /// each destination when its routes or its relays change, a moment after); that output.
    /// </summary>
    public Task<string> StatusSaysAsync(string text) =>
        Eventually.GetAsync(
            async () =>
            {
                var status = await StatusAsync();
                return status.Contains(text, StringComparison.Ordinal) ? status : throw new InvalidOperationException($"status says:{Environment.NewLine}{status}");
            },
            TimeSpan.FromSeconds(90),
            $"status saying \"{text}\"");

    /// <summary>What status says under a port for an ambassador on <paramref name="from"/> that reaches it through <paramref name="relayHost"/>'s relay.</summary>
    public static string ReachedThroughRelay(string from, string relayHost, int relayPort = DefaultRelayPort) =>
        $"from {MultiHostLab.HostId(from)}: relay through host {MultiHostLab.HostId(relayHost)} ({MultiHostLab.Address(relayHost)}:{relayPort})";

    /// <summary>When <paramref name="observer"/>'s ambassador logged <paramref name="subject"/>'s silo as <paramref name="status"/> (Dead, Active).</summary>
    public Task<(DateTime At, string Line)> DeclaredAsync(string observer, string subject, string status, DateTime since) =>
        lab.Ambassador(observer).WaitForAsync(
            line => line.Contains($"Cluster member S{MultiHostLab.Address(subject)}:", StringComparison.Ordinal) && line.EndsWith($"is now {status}", StringComparison.Ordinal),
            since,
            TimeSpan.FromSeconds(120));

    public void Dispose() => _certificates?.Dispose();
}
