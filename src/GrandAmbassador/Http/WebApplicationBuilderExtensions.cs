using System.Net;
using GrandAmbassador.Configuration;
using GrandAmbassador.Http.Access;
using GrandAmbassador.Http.Api;
using GrandAmbassador.Http.Dashboard;
using GrandAmbassador.Http.Health;
using GrandAmbassador.Http.Metrics;
using GrandAmbassador.Http.Pages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Http;

/// <summary>
/// The HTTP server in the process: <see cref="AddAmbassadorHttp"/> on the host's builder, then
/// <see cref="MapAmbassadorHttp"/> on the built app.
/// </summary>
internal static class WebApplicationBuilderExtensions
{
    public static void AddAmbassadorHttp(this WebApplicationBuilder builder, HttpSettings settings)
    {
        var endpoint = settings.Endpoint ?? throw new ArgumentException("The HTTP server is off.", nameof(settings));
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(endpoint));
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<LiveCounters>();
        builder.Services.AddSingleton<NamesViewReader>();
        builder.Services.AddSingleton<KnownPorts>();
        builder.Services.AddSingleton<Readiness>();
        builder.Services.AddSingleton<StatusFeed>();
        builder.Services.AddHostedService(services => services.GetRequiredService<StatusFeed>());
        builder.Services.AddAmbassadorMetrics();
    }

    public static void MapAmbassadorHttp(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<HttpSettings>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("GrandAmbassador.Http");
        if (settings.Token is { } token)
        {
            var gate = new TokenGate(token);
            app.Use(gate.InvokeAsync);
        }
        else if (!IPAddress.IsLoopback(settings.Endpoint!.Address))
        {
            HttpLog.OpenToTheNetwork(logger, settings.Endpoint.ToString());
        }

        app.UseRouting();
        app.MapPages(settings);
        app.MapNamesApi(settings);
        app.MapDrainApi();
        app.MapHealth();
        app.MapPrometheusScrapingEndpoint("/metrics");
        if (settings.Dashboard)
        {
            app.MapLazyOrleansDashboard();
        }

        // Created now, so that its listener counts from the first connection, not the first page view.
        app.Services.GetRequiredService<LiveCounters>();
        HttpLog.Listening(logger, settings.Endpoint!.ToString(), settings.Token is null ? "" : "; token required");
    }
}
