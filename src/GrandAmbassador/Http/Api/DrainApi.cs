using System.Globalization;
using GrandAmbassador.Draining;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GrandAmbassador.Http.Api;

/// <summary>
/// <c>POST /api/drain/{container}?host=ID&amp;timeout=SECONDS</c> and <c>POST /api/undrain/{container}?host=ID</c>:
/// what <c>grand-ambassador drain</c> and <c>undrain</c> do, for a deploy tool that speaks HTTP. The host
/// defaults to this ambassador's own. A drain answers 200 once every fronting ambassador confirmed, 504
/// naming those that did not within the timeout (default 30 s), 404 when the host has no such container.
/// </summary>
internal static class DrainApi
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public static void MapDrainApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/drain/{container}", DrainAsync);
        app.MapPost("/api/undrain/{container}", UndrainAsync);
    }

    private static async Task<IResult> DrainAsync(
        string container, string? host, string? timeout, IGrainFactory grains, HostIdentity self, TimeProvider time, CancellationToken cancellationToken)
    {
        TimeSpan wait;
        if (timeout is null)
        {
            wait = DefaultTimeout;
        }
        else if (double.TryParse(timeout, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and <= 3600)
        {
            wait = TimeSpan.FromSeconds(seconds);
        }
        else
        {
            return Results.Text($"timeout {timeout}: expected a number of seconds above 0, up to 3600\n", statusCode: StatusCodes.Status400BadRequest);
        }

        var result = await DrainWaiter.DrainAsync(grains, host ?? self.HostId, container, wait, time, cancellationToken).ConfigureAwait(false);
        if (result.Mark.Error is { } error)
        {
            return Results.Text(error + "\n", statusCode: StatusCodes.Status404NotFound);
        }

        var body = new
        {
            container = result.Mark.ContainerName,
            host = result.Mark.Container!.HostId,
            id = result.Mark.Container.ContainerId,
            names = result.Mark.ServiceNames.Items,
            confirmedBy = result.Confirmed.Select(one => new { host = one.HostId, name = one.Name }),
            pending = result.Pending.Select(one => new { host = one.HostId, name = one.Name }),
            waitedMs = Math.Round(result.Waited.TotalMilliseconds),
            error = result.Done ? null : DrainText.Failed(container, result, wait),
        };
        return Results.Json(body, statusCode: result.Done ? StatusCodes.Status200OK : StatusCodes.Status504GatewayTimeout);
    }

    private static async Task<IResult> UndrainAsync(string container, string? host, IGrainFactory grains, HostIdentity self, CancellationToken cancellationToken)
    {
        var mark = await DrainWaiter.UndrainAsync(grains, host ?? self.HostId, container, cancellationToken).ConfigureAwait(false);
        return mark.Error is { } error
            ? Results.Text(error + "\n", statusCode: StatusCodes.Status404NotFound)
            : Results.Json(new { container = mark.ContainerName, host = mark.Container!.HostId, id = mark.Container.ContainerId });
    }
}
