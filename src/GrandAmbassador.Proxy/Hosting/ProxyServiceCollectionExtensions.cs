using GrandAmbassador.Proxy.Engine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GrandAmbassador.Proxy.Hosting;

/// <summary>Registers the relay engine in a host's container.</summary>
internal static class ProxyServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="ServiceProxyFactory"/> as a singleton, with what it needs: options (configure them with
    /// <c>Configure&lt;ProxyOptions&gt;</c>), metrics, the system clock unless a clock is already registered, and the
    /// <see cref="RelayHealth"/> its proxies record failing host relays in.
    /// </summary>
    public static IServiceCollection AddGrandAmbassadorProxy(this IServiceCollection services)
    {
        services.AddOptions<ProxyOptions>();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RelayHealth>();
        services.TryAddSingleton<ServiceProxyFactory>();
        return services;
    }
}
