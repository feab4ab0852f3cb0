using System.Net;
using System.Net.Sockets;
using GrandAmbassador.MultiHost.Tests.Lab;
using GrandAmbassador.Testing;
using Xunit.Abstractions;

namespace GrandAmbassador.MultiHost.Tests.Relay;

/// <summary>
/// Issue 17's bad input: a <c>--relay-port</c> that another process holds, or that is no port, stops start-up with
/// one line on stderr and exit code 2. The taken port is held by the test on the lab bridge's address, which the
/// process (in the root namespace, clustered through the lab's Redis, an agent on host a's engine) advertises.
/// </summary>
public sealed class RelayPortOptionTests(ITestOutputHelper output) : LabTest(output)
{
    private const int TakenPort = 11191;

    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task RelayPortTakenByAnotherProcess_OneLineOnStderr_ExitCode2()
    {
        using var holder = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        holder.Bind(new IPEndPoint(IPAddress.Parse("10.231.0.1"), TakenPort));
        holder.Listen();

        var (exitCode, stdout, stderr) = await ProcessRunner.RunAsync("dotnet", [
            Repository.AmbassadorDll, "--cluster", MultiHostLab.Redis, "--cluster-id", Lab.ClusterId, "--host-id", $"{Lab.Prefix}-taken",
            "--advertise", "10.231.0.1", "--docker", "unix:///run/ga-lab-a/docker.sock", "--http", "off",
            "--relay-port", $"{TakenPort}", "--relay-insecure"], Guard);
        Output.WriteLine($"exit {exitCode}; stdout:{Environment.NewLine}{stdout}{Environment.NewLine}stderr:{Environment.NewLine}{stderr}");
        AssertOneLineExit2(exitCode, stderr, $"--relay-port {TakenPort}");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("relay")]
    public async Task RelayPortThatIsNoPort_OneLineOnStderr_ExitCode2(string port)
    {
        var (exitCode, stdout, stderr) = await ProcessRunner.RunAsync("dotnet", [
            Repository.AmbassadorDll, "--cluster", MultiHostLab.Redis, "--cluster-id", Lab.ClusterId, "--advertise", "10.231.0.1",
            "--http", "off", "--relay-port", port], Guard);
        Output.WriteLine($"exit {exitCode}; stdout:{Environment.NewLine}{stdout}{Environment.NewLine}stderr:{Environment.NewLine}{stderr}");
        AssertOneLineExit2(exitCode, stderr, $"--relay-port {port}");
    }

    private static void AssertOneLineExit2(int exitCode, string stderr, string names)
    {
        Assert.Equal(2, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("grand-ambassador: error: ", line, StringComparison.Ordinal);
        Assert.Contains(names, line, StringComparison.Ordinal);
    }
}
