using GrandAmbassador.CommandLine;
using GrandAmbassador.Configuration;
using GrandAmbassador.DataPlane;
using GrandAmbassador.Proxy.Access;
using GrandAmbassador.Proxy.Engine;

namespace GrandAmbassador.Host.Tests.CommandLine;

/// <summary><c>--allow</c>, <c>--max-connections-per-client</c> and <c>--connection-rate-per-client</c>, from the command line and the environment.</summary>
public sealed class AccessOptionTests
{
    [Fact]
    public void ByDefault_NoNameHasAPolicy()
    {
        var settings = AmbassadorCommandLine.ParseSettings("--name", "web");
        Assert.Empty(settings.Access!);
    }

    [Fact]
    public void Allow_ReadsIPv4AndIPv6Networks_PerName()
    {
        var settings = AmbassadorCommandLine.ParseSettings(
            "--name", "web", "--name", "db", "--allow", "web=10.0.0.0/8,fd00::/64", "--allow", "db=192.168.1.7");

        Assert.Equal(["10.0.0.0/8", "fd00::/64"], settings.Access!["web"].Allow.Select(network => network.ToString()));
        Assert.Equal(["192.168.1.7/32"], settings.Access["db"].Allow.Select(network => network.ToString()));
    }

    [Fact]
    public void LimitsWithoutAName_ApplyToEveryName_AndANamedOneWins()
    {
        var settings = AmbassadorCommandLine.ParseSettings(
            "--name", "web", "--name", "db",
            "--max-connections-per-client", "50", "--max-connections-per-client", "db=5",
            "--connection-rate-per-client", "20/s:40");

        Assert.Equal(50, settings.Access!["web"].MaxConnectionsPerClient);
        Assert.Equal(5, settings.Access["db"].MaxConnectionsPerClient);
        Assert.Equal(new ConnectionRate(20, 40), settings.Access["db"].Rate);
        Assert.Equal(50, AccessPolicy.For(settings.Access, "fronted-later").MaxConnectionsPerClient);
    }

    [Fact]
    public void ThePolicies_ReachTheProxyOptions()
    {
        var settings = AmbassadorCommandLine.ParseSettings("--name", "web", "--allow", "10.0.0.0/8");
        var options = new ProxyOptions();
        DataPlaneServices.ConfigureProxy(options, settings);
        Assert.Equal("allow 10.0.0.0/8", AccessPolicy.For(options.Access, "web").Describe());
    }

    [Theory]
    [InlineData("--allow", "web=10.0.0.0/33")]
    [InlineData("--allow", "web=10.1.2.3/8")]
    [InlineData("--allow", "web=not-a-network")]
    [InlineData("--allow", "api=10.0.0.0/8")]
    [InlineData("--max-connections-per-client", "-1")]
    [InlineData("--max-connections-per-client", "web=lots")]
    [InlineData("--connection-rate-per-client", "10")]
    [InlineData("--connection-rate-per-client", "-5/s")]
    [InlineData("--connection-rate-per-client", "5/s:0")]
    public void BadValues_AreStartupErrors_ThatNameTheOption(string option, string value)
    {
        var error = Assert.ThrowsAny<InvalidSettingException>(() => AmbassadorCommandLine.ParseSettings("--name", "web", option, value));
        Assert.StartsWith(option, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }
}

/// <summary>
/// The access options from environment variables. Alone in a collection that runs after the others, not beside
/// them: every parse in this process reads these variables while they are set.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AccessEnvironmentCollection
{
    public const string Name = "access environment variables";
}

[Collection(AccessEnvironmentCollection.Name)]
public sealed class AccessEnvironmentTests
{
    [Fact]
    public void TheEnvironment_SetsThem_ItsCommasContinuingANamesList()
    {
        using var _ = new Variable("GRAND_AMBASSADOR_ALLOW", "web=10.0.0.0/8,192.168.0.0/16 db=::1/128");
        using var __ = new Variable("GRAND_AMBASSADOR_MAX_CONNECTIONS_PER_CLIENT", "web=3");
        var settings = AmbassadorCommandLine.ParseSettings("--name", "web", "--name", "db");

        Assert.Equal(["10.0.0.0/8", "192.168.0.0/16"], settings.Access!["web"].Allow.Select(network => network.ToString()));
        Assert.Equal(["::1/128"], settings.Access["db"].Allow.Select(network => network.ToString()));
        Assert.Equal(3, settings.Access["web"].MaxConnectionsPerClient);
    }


    private sealed class Variable : IDisposable
    {
        private readonly string _name;

        public Variable(string name, string value)
        {
            _name = name;
            Environment.SetEnvironmentVariable(name, value);
        }

        public void Dispose() => Environment.SetEnvironmentVariable(_name, null);
    }
}
