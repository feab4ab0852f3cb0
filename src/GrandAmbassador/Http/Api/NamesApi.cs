using System.Text.Json;
using GrandAmbassador.Ambassador;
using GrandAmbassador.CommandLine;
using GrandAmbassador.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GrandAmbassador.Http.Api;

/// <summary>
/// <c>GET /api/names</c>, <c>POST /api/names/{name}</c> (body optional: <c>{"ports": ["8080:80"]}</c>) and
/// <c>DELETE /api/names/{name}</c>. Input is validated as on the command line; bad input is a 400 with one line.
/// </summary>
internal static class NamesApi
{
    public static RouteGroupBuilder MapNamesApi(this IEndpointRouteBuilder app, HttpSettings settings)
    {
        var api = app.MapGroup("/api/names");
        api.MapGet("", async (NamesViewReader reader, CancellationToken cancellationToken) =>
            Results.Ok(await reader.ReadAsync(cancellationToken).ConfigureAwait(false)));
        api.MapPost("/{name}", (string name, HttpRequest request, IFrontedNames fronted, CancellationToken cancellationToken) =>
            FrontAsync(name, request, fronted, settings, cancellationToken));
        api.MapDelete("/{name}", async (string name, IFrontedNames fronted, CancellationToken cancellationToken) =>
            await fronted.RemoveAsync(name, cancellationToken).ConfigureAwait(false)
                ? Results.NoContent()
                : Results.Text($"{name} is not fronted here\n", statusCode: StatusCodes.Status404NotFound));
        return api;
    }

    private static async Task<IResult> FrontAsync(string name, HttpRequest request, IFrontedNames fronted, HttpSettings settings, CancellationToken cancellationToken)
    {
        FrontedService service;
        try
        {
            var body = await ReadBodyAsync(request, cancellationToken).ConfigureAwait(false);
            var valid = NameValidator.Validate(name);
            var mappings = (body?.Ports ?? []).Select(PortMappingParser.Parse).ToList();
            service = PortMappingParser.Assign([valid], mappings)[0];
            if (settings.Endpoint is { } http)
            {
                HttpSettingsReader.CheckClash(http, service.Ports, "port");
            }
        }
        catch (StartupException exception)
        {
            return Results.Text(exception.Message + "\n", statusCode: StatusCodes.Status400BadRequest);
        }

        var refused = await fronted.TryAddAsync(service, cancellationToken).ConfigureAwait(false);
        return refused is null
            ? Results.Created($"/api/names/{service.Name}", new { name = service.Name, ports = service.Ports.Select(port => port.ToString()) })
            : Results.Text(refused + "\n", statusCode: StatusCodes.Status409Conflict);
    }

    private static async Task<FrontRequest?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is null or 0 && !request.Headers.TransferEncoding.Any())
        {
            return null;
        }

        try
        {
            return await JsonSerializer.DeserializeAsync<FrontRequest>(request.Body, JsonSerializerOptions.Web, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            throw new StartupException("body: expected JSON like {\"ports\": [\"8080:80\", \"53/udp\"]}, or no body");
        }
    }
}
