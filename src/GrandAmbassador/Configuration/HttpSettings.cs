using System.Net;

namespace GrandAmbassador.Configuration;

/// <summary>
/// The HTTP server's settings (<c>--http</c>, <c>--http-token</c>, <c>--http-token-file</c>).
/// </summary>
/// <param name="Endpoint">Where it listens; null for <c>--http off</c>.</param>
/// <param name="IsDefault">True when nobody asked for <see cref="Endpoint"/>: a second ambassador on the
/// same machine then finds the default port taken, and runs without HTTP after one warning.</param>
/// <param name="Token">The bearer token that protects the page's data, the API and the Orleans dashboard; null: open.</param>
/// <param name="Dashboard">Whether /orleans serves the Orleans dashboard (<c>--no-dashboard</c>: not).</param>
internal sealed record HttpSettings(IPEndPoint? Endpoint, bool IsDefault, string? Token, bool Dashboard = true)
{
    /// <summary>The documented default: loopback only, on a port few programs use.</summary>
    public const string DefaultAddress = "127.0.0.1:8787";

    public static HttpSettings Off { get; } = new(null, false, null);

    public bool Enabled => Endpoint is not null;
}
