using System.Reflection;
using GrandAmbassador.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GrandAmbassador.Http.Pages;

/// <summary>
/// The endpoints page: <c>/</c> and its script and style, embedded in the binary (no CDN, no build
/// step), and <c>/api/events</c>, the server-sent events that keep it current.
/// </summary>
internal static class PageEndpoints
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);
    private const string DashboardLinkStart = "<!--dashboard-->";
    private const string DashboardLinkEnd = "<!--/dashboard-->";

    public static void MapPages(this IEndpointRouteBuilder app, HttpSettings settings)
    {
        var page = IndexPage(settings.Dashboard);
        app.MapGet("/", () => Results.Text(page, "text/html; charset=utf-8"));
        app.MapGet("/app.js", () => Asset("app.js", "text/javascript; charset=utf-8"));
        app.MapGet("/style.css", () => Asset("style.css", "text/css; charset=utf-8"));
        // A browser asks for /favicon.ico whatever the page links: both get the one icon.
        app.MapGet("/favicon.svg", () => Asset("favicon.svg", "image/svg+xml"));
        app.MapGet("/favicon.ico", () => Asset("favicon.svg", "image/svg+xml"));
        app.MapGet("/api/events", StreamAsync);
    }

    private static IResult Asset(string file, string contentType) => Results.Stream(OpenAsset(file), contentType);

    private static Stream OpenAsset(string file) =>
        Assembly.GetExecutingAssembly().GetManifestResourceStream($"GrandAmbassador.Http.Pages.Assets.{file}")
            ?? throw new InvalidOperationException($"{file} is not embedded");

    /// <summary>
    /// The page, without its link to the Orleans dashboard when <c>--no-dashboard</c> left the dashboard
    /// out (the link would lead to a 404). The link sits between <c>&lt;!--dashboard--&gt;</c> markers.
    /// </summary>
    private static string IndexPage(bool dashboard)
    {
        using var reader = new StreamReader(OpenAsset("index.html"));
        var html = reader.ReadToEnd();
        if (dashboard)
        {
            return html;
        }

        var start = html.IndexOf(DashboardLinkStart, StringComparison.Ordinal);
        var end = html.IndexOf(DashboardLinkEnd, StringComparison.Ordinal);
        return start < 0 || end < start ? html : html.Remove(start, end + DashboardLinkEnd.Length - start);
    }

    /// <summary>
    /// One <c>data:</c> event per change of the view, the current view first. The stream ends with the
    /// request (page closed) or the server (silo restarting); the browser's EventSource reconnects.
    /// </summary>
    private static async Task StreamAsync(HttpContext context, StatusFeed feed, CancellationToken cancellationToken)
    {
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsync("retry: 1000\n\n", cancellationToken).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
        using var subscription = feed.Subscribe();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                wait.CancelAfter(KeepAlive);
                string line;
                try
                {
                    line = $"data: {await subscription.Views.ReadAsync(wait.Token).ConfigureAwait(false)}\n\n";
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    line = ": keep-alive\n\n";
                }

                await context.Response.WriteAsync(line, cancellationToken).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The page went away.
        }
    }
}
