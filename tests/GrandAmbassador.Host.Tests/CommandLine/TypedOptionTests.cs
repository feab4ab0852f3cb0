using GrandAmbassador.CommandLine;
using GrandAmbassador.Configuration;

namespace GrandAmbassador.Host.Tests.CommandLine;

/// <summary>Single-valued options are typed and parsed at parse time, each with the one line it always had.</summary>
public sealed class TypedOptionTests
{
    [Fact]
    public void Seconds_AreTimeSpans_FractionsAllowed()
    {
        var settings = AmbassadorCommandLine.ParseSettings("--name", "web", "--wait", "2.5", "--idle-timeout", "0.25", "--drain", "1");

        Assert.Equal(TimeSpan.FromSeconds(2.5), settings.Wait);
        Assert.Equal(TimeSpan.FromMilliseconds(250), settings.ProxyLimits!.IdleTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1), settings.ProxyLimits.Drain);
    }

    [Fact]
    public void PortsCountsAndLevels_AreTyped()
    {
        var settings = AmbassadorCommandLine.ParseSettings(
            "--name", "web", "--silo-port", "11112", "--max-exposed-ports", "7", "--log-level", "WARN", "--listen", "[::1]", "--docker", "tcp://10.0.0.5:2375");

        Assert.Equal(11112, settings.SiloPort);
        Assert.Null(settings.GatewayPort);
        Assert.Equal(7, settings.MaxExposedPorts);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, settings.LogLevel);
        Assert.Equal(System.Net.IPAddress.IPv6Loopback, settings.ListenAddress);
        Assert.Equal(new Uri("tcp://10.0.0.5:2375"), settings.DockerEndpoint);
    }

    [Theory]
    [InlineData("--silo-port", "0", "--silo-port 0: expected a port number from 1 to 65535")]
    [InlineData("--wait", "abc", "--wait abc: expected a number of seconds from 0 to 86400")]
    [InlineData("--drain", "3601", "--drain 3601: expected a number of seconds from 0 to 3600")]
    [InlineData("--max-connections", "-1", "--max-connections -1: expected a whole number from 0 to 10000000")]
    [InlineData("--log-level", "loud", "--log-level loud: expected trace, debug, information, warning or error")]
    [InlineData("--host-id", " ", "--host-id: must not be empty")]
    [InlineData("--relay-port", "70000", "--relay-port 70000: expected a port number from 1 to 65535")]
    [InlineData("--cross-host", "sometimes", "--cross-host sometimes: expected auto, published or relay")]
    public void ABadValue_IsRefused_WithTheMessageItAlwaysHad(string option, string value, string message)
    {
        var error = Assert.ThrowsAny<InvalidSettingException>(() => AmbassadorCommandLine.ParseSettings("--name", "web", option, value));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public async Task ABadValue_OnTheCommandLine_IsTheSameOneLine_WithNoHelpPointer()
    {
        var (code, error) = await RunAsync("--name", "web", "--silo-port", "0");

        Assert.Equal(AmbassadorCommandLine.BadInput, code);
        Assert.Equal("grand-ambassador: error: --silo-port 0: expected a port number from 1 to 65535", error);
    }

    [Fact]
    public async Task AnUnknownOption_IsSaidBeforeABadValue()
    {
        var (code, error) = await RunAsync("--nmae", "web", "--wait", "abc");

        Assert.Equal(AmbassadorCommandLine.BadInput, code);
        Assert.Equal("grand-ambassador: error: Unrecognized command or argument '--nmae'; did you mean --name? (see --help)", error);
    }

    internal static async Task<(int Code, string Error)> RunAsync(params string[] args)
    {
        var stderr = new StringWriter();
        var previous = Console.Error;
        Console.SetError(stderr);
        try
        {
            return (await AmbassadorCommandLine.RunAsync(args), stderr.ToString().TrimEnd('\n'));
        }
        finally
        {
            Console.SetError(previous);
        }
    }
}

/// <summary>
/// Bad values from environment variables. Alone in a collection that runs after the others, not beside them: every
/// parse in this process reads these variables while they are set.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TypedOptionEnvironmentCollection
{
    public const string Name = "typed option environment variables";
}

[Collection(TypedOptionEnvironmentCollection.Name)]
public sealed class TypedOptionEnvironmentTests
{
    [Theory]
    [InlineData("GRAND_AMBASSADOR_WAIT", "abc", "--wait abc: expected a number of seconds from 0 to 86400")]
    [InlineData("GRAND_AMBASSADOR_SILO_PORT", "0", "--silo-port 0: expected a port number from 1 to 65535")]
    [InlineData("GRAND_AMBASSADOR_LISTEN", "10.1", "--listen 10.1: not an IP address (e.g. 0.0.0.0, ::, ::1 or [::1])")]
    [InlineData("DOCKER_HOST", "foo", "--docker foo: expected unix:///path/to/docker.sock or tcp://host:port")]
    public async Task ABadValue_FromTheEnvironment_IsOneLineNamingTheOption(string variable, string value, string message)
    {
        Environment.SetEnvironmentVariable(variable, value);
        try
        {
            var (code, error) = await TypedOptionTests.RunAsync("--name", "web");

            Assert.Equal(AmbassadorCommandLine.BadInput, code);
            Assert.Equal($"grand-ambassador: error: {message}", error);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void TheEnvironment_IsParsedByTheSameParser()
    {
        Environment.SetEnvironmentVariable("GRAND_AMBASSADOR_HALF_CLOSE_TIMEOUT", "1.5");
        try
        {
            Assert.Equal(TimeSpan.FromSeconds(1.5), AmbassadorCommandLine.ParseSettings("--name", "web").ProxyLimits!.HalfCloseTimeout);
        }
        finally
        {
            Environment.SetEnvironmentVariable("GRAND_AMBASSADOR_HALF_CLOSE_TIMEOUT", null);
        }
    }

    [Fact]
    public async Task Help_IsHelp_EvenWithABadValueInTheEnvironment()
    {
        Environment.SetEnvironmentVariable("GRAND_AMBASSADOR_WAIT", "abc");
        var stdout = new StringWriter();
        var previous = Console.Out;
        Console.SetOut(stdout);
        try
        {
            var (code, error) = await TypedOptionTests.RunAsync("--help");

            Assert.Equal(0, code);
            Assert.Empty(error);
            Assert.Contains("--wait <SECONDS>", stdout.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Console.SetOut(previous);
            Environment.SetEnvironmentVariable("GRAND_AMBASSADOR_WAIT", null);
        }
    }
}
