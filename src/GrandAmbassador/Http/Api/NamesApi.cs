using System.Text.Json;
using GrandAmbassador.Configuration;
using GrandAmbassador.DataPlane;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GrandAmbassador.Http.Api;

/// <summary>
/// <c>GET /api/names</c> (the fronted names; <c>?all=1</c>: every name), <c>GET /api/names/{name}</c>, <c>POST /api/names/{name}</c> (body optional: <c>{"ports": ["8080:80"]}</c>) and
/// <c>DELETE /api/names/{name}</c>. Input is validated as on the command line: bad input is a 400 with
/// one line, a name already fronted or a port that is taken (by another fronted name, or another process) a 409.
/// </summary>
internal static class NamesApi
{
    public static RouteGroupBuilder MapNamesApi(this IEndpointRouteBuilder app, HttpSettings settings)
    {
        var api = app.MapGroup("/api/names");
        api.MapGet("", async (NamesViewReader reader, HttpRequest request, CancellationToken cancellationToken) =>
            Results.Ok(await reader.ReadAsync(cancellationToken, all: request.Query["all"] is ["1" or "true"]).ConfigureAwait(false)));
        api.MapGet("/{name}", async (string name, NamesViewReader reader, CancellationToken cancellationToken) =>
        {
            var view = await reader.ReadAsync(cancellationToken, only: name).ConfigureAwait(false);
            return view.Names is [var one] && (one.Fronting is not null || !one.Endpoints.IsEmpty || !one.FrontedBy.IsEmpty)
                ? Results.Ok(one)
                : Results.Text($"{name}: no container answers to it and no ambassador fronts it\n", statusCode: StatusCodes.Status404NotFound);
        });
        api.MapPost("/{name}", (string name, HttpRequest request, FrontedNameRegistry names, KnownPorts known, CancellationToken cancellationToken) =>
            FrontAsync(name, request, names, known, settings, cancellationToken));
        api.MapDelete("/{name}", async (string name, FrontedNameRegistry names, CancellationToken cancellationToken) =>
            await names.RemoveAsync(name, cancellationToken).ConfigureAwait(false)
                ? Results.NoContent()
                : Results.Text($"{name} is not fronted here\n", statusCode: StatusCodes.Status404NotFound));
        return api;
    }

    private static async Task<IResult> FrontAsync(
        string name, HttpRequest request, FrontedNameRegistry names, KnownPorts known, HttpSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            var body = await ReadBodyAsync(request, cancellationToken).ConfigureAwait(false);
            var valid = NameValidator.Validate(name);
            if (names.Find(valid) is not null)
            {
                return Results.Text($"{valid} is already fronted\n", statusCode: StatusCodes.Status409Conflict);
            }

            var mappings = (body?.Ports ?? []).Select(PortMappingParser.Parse).ToList();
            var service = PortMappingParser.Assign([valid], mappings)[0];
            if (settings.Endpoint is { } http)
            {
                HttpSettingsReader.CheckClash(http, service.Ports, "port");
            }

            var ports = service.HasExplicitPorts ? null : await known.ForAsync(service, cancellationToken).ConfigureAwait(false);
            var added = await names.AddAsync(service, cancellationToken, ports).ConfigureAwait(false);
            return Results.Created($"/api/names/{added.Name}", new { name = added.Name, ports = added.Service.Ports.Select(port => port.ToString()) });
        }
        catch (PortTakenException exception)
        {
            return Results.Text(exception.Message + "\n", statusCode: StatusCodes.Status409Conflict);
        }
        catch (InvalidSettingException exception)
        {
            return Results.Text(exception.Message + "\n", statusCode: StatusCodes.Status400BadRequest);
        }
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
            throw new InvalidSettingException("body: expected JSON like {\"ports\": [\"8080:80\", \"53/udp\"]}, or no body");
        }
    }
}
