using System.Globalization;
using System.Net;
using GrandAmbassador.Ambassador;
using GrandAmbassador.Bench.Scale.Cluster;
using GrandAmbassador.Cluster;
using GrandAmbassador.Configuration;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.DataPlane;
using GrandAmbassador.Fronting;
using GrandAmbassador.Proxy.Engine;
using GrandAmbassador.Proxy.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GrandAmbassador.Bench.Scale.Hosts;

/// <summary>
/// One simulated host's ambassador, as <c>ControlPlaneHost</c> wires it: its data plane's fronted names (real proxies,
/// each listening on one port of this host's own loopback address, so that 200 hosts fit in one process), a real
/// <see cref="NameFollower"/> per name (what <c>AmbassadorService</c> runs) and the real <see cref="FrontingRegistrar"/>.
/// </summary>
internal sealed class SimulatedAmbassador : IAsyncDisposable
{
    private const int FirstPort = 47_000;
    private readonly int _host;
    private readonly Layout _layout;
    private readonly SimSilo _silo;
    private readonly ILoggerFactory _loggers;
    private readonly ServiceProxyFactory _proxies;
    private readonly FrontedNameRegistry _names;
    private readonly FrontingRegistrar _registrar;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _followers = [];

    public SimulatedAmbassador(int host, Layout layout, SimSilo silo, ILoggerFactory loggers)
    {
        _host = host;
        _layout = layout;
        _silo = silo;
        _loggers = loggers;
        var listen = IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"127.1.{host / 250}.{(host % 250) + 1}"));
        _proxies = new ServiceProxyFactory(Options.Create(new ProxyOptions { ListenAddress = listen }), loggers, TimeProvider.System);
        _names = new FrontedNameRegistry(_proxies.Create, loggers.CreateLogger<FrontedNameRegistry>());
        var identity = new HostIdentity(Layout.HostId(host), Layout.Advertise(host));
        _registrar = new FrontingRegistrar(
            _names, silo.Grains, identity, new ControlPlaneGeneration(1), new RelayHealth(TimeProvider.System), silo.Changes, TimeProvider.System, loggers.CreateLogger<FrontingRegistrar>());
    }

    /// <summary>This host's fronted names, each with what its proxy last applied.</summary>
    public IReadOnlyList<FrontedName> Names => _names.Current.Names;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var port = FirstPort;
        foreach (var name in _layout.Fronted(_host))
        {
            // An explicit --port per name, the container's port as target: listeners open at once, as on a real host.
            var mapping = new PortMapping(name, port++, Engine.FakeContainer.Port, PortProtocol.Tcp);
            await _names.AddAsync(new FrontedService(name, [mapping]), cancellationToken).ConfigureAwait(false);
        }

        var logger = _loggers.CreateLogger("GrandAmbassador.Ambassador");
        foreach (var name in _names.Current.Names)
        {
            var follower = new NameFollower(name, _silo.Grains, Layout.HostId(_host), new FollowerOptions(), TimeSpan.FromSeconds(30), _silo.Changes, TimeProvider.System, logger);
            _followers.Add(Task.Run(() => follower.RunAsync(_stop.Token), CancellationToken.None));
        }

        await _registrar.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _registrar.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await Task.WhenAll(_followers).ConfigureAwait(false);
        await _names.DisposeAsync().ConfigureAwait(false);
        _proxies.Dispose();
        _stop.Dispose();
    }
}
