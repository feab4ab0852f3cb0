using GrandAmbassador.Configuration;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Contracts.Grains;
using GrandAmbassador.Hosting;
using GrandAmbassador.Security;
using GrandAmbassador.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Integration.Tests.Security;

/// <summary>
/// An Orleans client with a valid certificate from the cluster CA, connected to a real TLS silo:
/// it reads, but every routing write is refused, logged once, and changes nothing.
/// </summary>
public sealed class RoutingWriteTests
{
    // Generous: on a loaded machine a silo takes long to start; the guard only catches a hang.
    private static readonly TimeSpan StartGuard = TimeSpan.FromSeconds(240);

    [Fact]
    public async Task OrleansClient_WithValidCertificate_Reads_ButCannotReportRemoveOrRegister()
    {
        using var certificates = new TestCertificates();
        await certificates.OpensslCaAsync("cluster-ca");
        await certificates.OpensslHostAsync("cluster-ca", "trust-a", ec: false);
        await certificates.OpensslHostAsync("cluster-ca", "client", ec: true);
        var gatewayPort = FreePort.Next();
        await using var silo = RunningProcess.Start("dotnet", [
            Repository.AmbassadorDll, "--no-agent", "--host-id", "trust-a", "--gateway-port", $"{gatewayPort}", "--silo-port", $"{FreePort.Next()}",
            .. TlsGatewayTests.Tls(certificates, "trust-a", "cluster-ca")]);
        await silo.WaitForAsync(line => line.Contains("[7001]", StringComparison.Ordinal), guard: StartGuard);

        using var client = await ConnectAsync(gatewayPort, ClusterTlsLoader.Load(
            certificates.PathOf("client.pem"), certificates.PathOf("client.key"), certificates.PathOf("cluster-ca.pem"))!);
        var grains = client.Services.GetRequiredService<IClusterClient>();
        var web = grains.GetGrain<IContainerEndpointGrain>("trust-web");
        var directory = grains.GetGrain<IHostDirectoryGrain>(IHostDirectoryGrain.Key);
        var before = await web.GetAsync();

        var report = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => web.ReportAsync(FakeEndpoint(), TimeSpan.FromMinutes(5)));
        var remove = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => web.RemoveAsync("trust-a", "c0ffee", 1));
        var register = await Assert.ThrowsAsync<UnauthorizedAccessException>(() =>
            directory.RegisterAsync(new HostRegistration("intruder", "10.9.9.9", ["trust-web"], DateTimeOffset.UtcNow), TimeSpan.FromMinutes(5)));

        Assert.Contains("only the cluster's silos may call it", report.Message);
        Assert.Contains("RemoveAsync", remove.Message);
        Assert.Contains("RegisterAsync", register.Message);
        // Reads from the same client work, and show that nothing changed.
        var after = await web.GetAsync();
        Assert.Equal(before.Version, after.Version);
        Assert.Empty(after.Endpoints.Items);
        Assert.DoesNotContain(await directory.GetHostsAsync(), host => host.HostId == "intruder");
        // Three refusals from one client: one warning.
        await silo.WaitForAsync(line => line.Contains("[8004]", StringComparison.Ordinal), guard: StartGuard);
        Assert.True(silo.Lines.Count(l => l.Line.Contains("[8004]", StringComparison.Ordinal)) == 1, silo.Dump());
        await client.StopAsync();
    }

    private static ContainerEndpoint FakeEndpoint() => new(
        "trust-a", "c0ffee", "trust-web", ["trust-web"], [new NetworkAddress("bridge", "10.9.9.9", 24, null)], [],
        ContainerHealth.None, Running: true, DateTimeOffset.UtcNow, "10.9.9.9", HostNetwork: false, Sequence: 1_000_000);

    private static async Task<IHost> ConnectAsync(int gatewayPort, ClusterTls tls)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.UseLocalhostClustering(gatewayPort, SiloConfiguration.ServiceId, "grand-ambassador");
            ClusterSecurity.ConfigureClient(client, tls);
        });
        var host = builder.Build();
        using var guard = new CancellationTokenSource(StartGuard);
        await host.StartAsync(guard.Token);
        return host;
    }
}
