using GrandAmbassador.Ambassador;
using GrandAmbassador.Proxy.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace GrandAmbassador.Http.Metrics;

/// <summary>
/// <c>/metrics</c>: OpenTelemetry's Prometheus exporter over our meters and Orleans'. The proxy names its
/// instruments <c>grandambassador.proxy.*</c>; here they are exported as <c>grand_ambassador_*</c>,
/// so that the proxy's names stay its own and every exported metric of ours shares one prefix.
/// </summary>
internal static class MetricsSetup
{
    private const string ProxyPrefix = "grandambassador.proxy.";

    public static void AddAmbassadorMetrics(this IServiceCollection services)
    {
        services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService("grand-ambassador")).WithMetrics(metrics => metrics
            .AddMeter(ProxyMetrics.MeterName, AmbassadorMetrics.MeterName, "Microsoft.Orleans")
            .AddView(instrument => instrument.Meter.Name == ProxyMetrics.MeterName && instrument.Name.StartsWith(ProxyPrefix, StringComparison.Ordinal)
                ? new MetricStreamConfiguration { Name = "grand_ambassador." + instrument.Name[ProxyPrefix.Length..] }
                : null)
            .AddPrometheusExporter(options => options.DisableTotalNameSuffixForCounters = false));
    }
}
