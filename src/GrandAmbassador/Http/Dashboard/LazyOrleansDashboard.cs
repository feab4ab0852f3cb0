using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Orleans.Dashboard;

namespace GrandAmbassador.Http.Dashboard;

/// <summary>
/// <c>/orleans</c>: the Orleans dashboard, mapped at its first request instead of at start. Mapping it
/// builds the dashboard's asset cache, which reads every file embedded in Orleans.Dashboard.dll (17 MB)
/// into memory and gzips each: tens of MiB that a process whose dashboard nobody opens should not hold
/// (measured in README's figures). The silo side (<c>AddDashboard</c>: its grain service and call
/// profiler) still runs from the start, so the dashboard has its history when it is opened.
/// </summary>
internal static class LazyOrleansDashboard
{
    public const string Path = "/orleans";

    // ASP.NET Core's key for the app's own route table (EndpointRoutingApplicationBuilderExtensions): while
    // a branch carries it, UseRouting there would add to the app's table, which is built and in use by then.
    private const string GlobalEndpointRouteBuilderKey = "__GlobalEndpointRouteBuilder";

    public static void MapLazyOrleansDashboard(this IApplicationBuilder app) =>
        app.Map(Path, branch =>
        {
            var dashboard = new Lazy<RequestDelegate>(() => Build(branch.New()), LazyThreadSafetyMode.ExecutionAndPublication);
            branch.Run(context => context.Request.Path.HasValue ? dashboard.Value(context) : RedirectToSlashAsync(context));
        });

    private static RequestDelegate Build(IApplicationBuilder dashboard)
    {
        dashboard.Properties.Remove(GlobalEndpointRouteBuilderKey);
        dashboard.UseRouting();
        dashboard.UseEndpoints(endpoints => endpoints.MapOrleansDashboard());
        return dashboard.Build();
    }

    /// <summary><c>/orleans</c> to <c>/orleans/</c>: the dashboard's page loads its script and style by relative paths.</summary>
    private static Task RedirectToSlashAsync(HttpContext context)
    {
        context.Response.Redirect($"{context.Request.PathBase}/{context.Request.QueryString}");
        return Task.CompletedTask;
    }
}
