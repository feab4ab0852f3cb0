using System.Collections.Immutable;
using System.Net;
using GrandAmbassador.Configuration;
using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Http;

/// <summary>Validates <c>--http</c> and its token options into <see cref="HttpSettings"/>, or one clear error.</summary>
internal static class HttpSettingsReader
{
    public static HttpSettings Read(string? http, bool httpGiven, string? token, FileInfo? tokenFile, bool noDashboard, ImmutableArray<FrontedService> services)
    {
        var text = string.IsNullOrWhiteSpace(http) ? HttpSettings.DefaultAddress : http.Trim();
        if (token is not null && tokenFile is not null)
        {
            throw new InvalidSettingException("--http-token and --http-token-file: give one of them");
        }

        var secret = token is not null ? NonEmptyToken(token, "--http-token") : tokenFile is not null ? ReadTokenFile(tokenFile) : null;
        if (text.Equals("off", StringComparison.OrdinalIgnoreCase))
        {
            return HttpSettings.Off;
        }

        var endpoint = Parse(text);
        foreach (var service in services)
        {
            CheckClash(endpoint, service.Ports, "--port");
        }

        return new HttpSettings(endpoint, !httpGiven, secret, Dashboard: !noDashboard);
    }

    /// <summary>ADDR:PORT; an IPv6 address in brackets (<c>[::1]:8787</c>), since <c>::1:8787</c> could be read two ways.</summary>
    public static IPEndPoint Parse(string text) =>
        IPEndPoint.TryParse(text, out var endpoint) && text.Contains(':', StringComparison.Ordinal) && endpoint.Port is >= 0 and <= 65535
            && (endpoint.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6 || text.StartsWith('['))
            ? endpoint
            : throw new InvalidSettingException($"--http {text}: expected ADDR:PORT (e.g. {HttpSettings.DefaultAddress}, or [::1]:8787 for IPv6) or off");

    /// <summary>A TCP port mapping that wants the HTTP server's port is refused: only one of them could have it.</summary>
    public static void CheckClash(IPEndPoint http, ImmutableArray<PortMapping> mappings, string what)
    {
        foreach (var mapping in mappings.IsDefault ? [] : mappings)
        {
            if (mapping.Protocol == PortProtocol.Tcp && mapping.Port == http.Port)
            {
                throw new InvalidSettingException($"{what} {mapping}: port {http.Port}/tcp is the HTTP server's (--http {http}); pick another port or move --http");
            }
        }
    }

    private static string ReadTokenFile(FileInfo path)
    {
        try
        {
            return NonEmptyToken(File.ReadAllText(path.FullName), $"--http-token-file {path}");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new InvalidSettingException($"--http-token-file {path}: {exception.Message}");
        }
    }

    private static string NonEmptyToken(string token, string option) =>
        string.IsNullOrWhiteSpace(token) ? throw new InvalidSettingException($"{option}: the token is empty") : token.Trim();
}
