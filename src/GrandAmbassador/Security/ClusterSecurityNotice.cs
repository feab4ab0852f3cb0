using GrandAmbassador.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace GrandAmbassador.Security;

/// <summary>Says once, at start, whether the cluster's ports are protected: TLS and by which CA, or a warning that they are not.</summary>
internal sealed class ClusterSecurityNotice(
    ClusterTls? tls,
    bool clustered,
    IOptions<EndpointOptions> endpoints,
    ILogger<ClusterSecurityNotice> logger) : IHostedService
{
    public static void Register(IServiceCollection services, ClusterTls? tls, bool clustered) =>
        services.AddHostedService(provider => new ClusterSecurityNotice(
            tls,
            clustered,
            provider.GetRequiredService<IOptions<EndpointOptions>>(),
            provider.GetRequiredService<ILogger<ClusterSecurityNotice>>()));

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (tls is not null)
        {
            SecurityLog.TlsOn(logger, tls.Certificate.Subject, tls.Certificate.NotAfter.ToUniversalTime(), tls.Authorities[0].Subject);
        }
        else if (clustered)
        {
            SecurityLog.ClusterWithoutTls(logger, endpoints.Value.SiloPort, endpoints.Value.GatewayPort);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
