using System.Net;
using System.Net.Sockets;
using GrandAmbassador.Integration.Tests.Harness;
using GrandAmbassador.Testing;

namespace GrandAmbassador.Integration.Tests.CommandLine;

/// <summary>Bad input at start-up: one clear line on stderr and a non-zero exit, from the real executable.</summary>
[Collection(DockerCollection.Name)]
public sealed class BadInputTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("unknown flag", "--bogus", "--bogus")]
    [InlineData("a typo", "--nmae=web", "did you mean --name?")]
    [InlineData("empty name", "--name=", "--name")]
    [InlineData("invalid name", "--name=bad/name!", "not a valid container name")]
    [InlineData("malformed port", "--name=web --port=80:http", "'http' is not a port number")]
    [InlineData("port out of range", "--name=web --port=70000", "'70000' is not a port number")]
    [InlineData("unknown protocol", "--name=web --port=53/sctp", "unknown protocol 'sctp'")]
    [InlineData("two names, one port", "--name=a --name=b --port=a=8080 --port=b=8080", "both want port 8080/tcp")]
    [InlineData("port for no name", "--name=a --name=b --port=8080", "say which one it is for")]
    [InlineData("bad wait", "--name=web --wait=soon", "--wait soon")]
    [InlineData("bad listen address", "--name=web --listen=everywhere", "--listen everywhere")]
    [InlineData("bad cluster uri", "--name=web --cluster=http://x", "--cluster http://x")]
    [InlineData("negative connection limit", "--name=web --max-connections=-1", "--max-connections -1")]
    [InlineData("bad idle timeout", "--name=web --idle-timeout=forever", "--idle-timeout forever")]
    [InlineData("bad half-close timeout", "--name=web --half-close-timeout=-5", "--half-close-timeout -5")]
    [InlineData("bad drain", "--name=web --drain=later", "--drain later")]
    [InlineData("retry for no fronted name", "--name=web --retry-before-first-byte=api", "--retry-before-first-byte api: 'api' is not a fronted --name")]
    [InlineData("unknown PROXY protocol version", "--name=db --proxy-protocol=db=v3", "--proxy-protocol db=v3: 'v3' is not a PROXY protocol version: expected v1 or v2")]
    [InlineData("PROXY protocol without a version", "--name=db --proxy-protocol=db", "--proxy-protocol db: expected NAME=v1 or NAME=v2")]
    [InlineData("PROXY protocol for no fronted name", "--name=web --proxy-protocol=db=v1", "--proxy-protocol db=v1: 'db' is not a fronted --name")]
    [InlineData("accept-proxy for no fronted name", "--name=web --accept-proxy=db", "--accept-proxy db: 'db' is not a fronted --name")]
    public async Task BadInput_PrintsOneLine_AndExitsNonZero(string what, string args, string expected)
    {
        var (exitCode, _, error) = await AmbassadorProcess.RunAsync(Guard, args.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.True(exitCode != 0, $"{what}: exit code {exitCode}");
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("grand-ambassador: error: ", line);
        Assert.Contains(expected, line);
    }

    [Fact]
    public async Task ListenPortAlreadyTaken_PrintsOneLine_AndExitsNonZero()
    {
        var port = FreePort.Next();
        using var squatter = new TcpListener(IPAddress.Any, port);
        squatter.Start();

        var (exitCode, _, error) = await AmbassadorProcess.RunAsync(
            Guard, "--name", "ga-it-taken", "--port", $"{port}", "--docker", "unix:///nonexistent/docker.sock");

        Assert.NotEqual(0, exitCode);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"ga-it-taken: port {port}/tcp is taken by another process", line);
    }

    [Fact]
    public async Task RelayPortAlreadyTaken_PrintsOneLine_AndExitsWithBadInput()
    {
        var port = FreePort.Next();
        using var squatter = new TcpListener(IPAddress.Any, port);
        squatter.Start();

        // The relay binds (on the advertised address: here the first non-loopback one) before the silo starts: no
        // Redis is needed to be told its port is taken.
        var (exitCode, _, error) = await AmbassadorProcess.RunAsync(
            Guard, "--name", "ga-it-relay", "--cluster", "redis://127.0.0.1:1", "--relay-insecure",
            "--relay-port", $"{port}", "--docker", "unix:///nonexistent/docker.sock", "--http", "off");

        Assert.Equal(2, exitCode);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"grand-ambassador: error: --relay-port {port}: ", line);
        Assert.EndsWith($":{port} is taken by another process", line);
    }

    [Fact]
    public async Task Help_NamesEveryOption_AndItsEnvironmentVariable()
    {
        var (exitCode, output, _) = await AmbassadorProcess.RunAsync(Guard, "--help");

        Assert.Equal(0, exitCode);
        foreach (var option in new[] { "name", "docker", "listen", "port", "wait", "log-level", "cluster", "cluster-id", "host-id", "advertise", "no-agent", "silo-port", "gateway-port", "retry-before-first-byte", "relay-port", "relay-insecure", "cross-host" })
        {
            Assert.Contains($"--{option}", output);
            Assert.Contains($"GRAND_AMBASSADOR_{option.Replace('-', '_').ToUpperInvariant()}", output);
        }
    }
}
