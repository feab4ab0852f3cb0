using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace GrandAmbassador.Http.Access;

/// <summary>
/// With <c>--http-token</c>: the API, the event stream and the Orleans dashboard need the token, as
/// <c>Authorization: Bearer TOKEN</c> or the cookie <c>POST /api/login</c> sets. A cookie, because
/// EventSource and the dashboard's own requests cannot send headers, and a token in a query string ends
/// up in logs and browser history. Health, metrics and the page's static shell (no data) stay open.
/// </summary>
internal sealed class TokenGate(string token)
{
    public const string CookieName = "ga_token";

    private readonly byte[] _token = Encoding.UTF8.GetBytes(token);

    public static bool IsOpen(PathString path) =>
        path == "/" || path == "/app.js" || path == "/style.css" || path == "/favicon.svg" || path == "/favicon.ico" || path == "/healthz" || path == "/readyz" || path == "/metrics";

    public bool Allows(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        var offered = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? header["Bearer ".Length..].Trim()
            : request.Cookies[CookieName];
        return offered is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(offered), _token);
    }

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var path = context.Request.Path;
        if (IsOpen(path) || Allows(context.Request))
        {
            if (path == "/api/login" && HttpMethods.IsPost(context.Request.Method))
            {
                context.Response.Cookies.Append(CookieName, Encoding.UTF8.GetString(_token), new CookieOptions
                {
                    HttpOnly = true,
                    SameSite = SameSiteMode.Strict,
                    Secure = context.Request.IsHttps,
                    Path = "/",
                });
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                return;
            }

            await next(context).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        await context.Response.WriteAsync("a token is needed (--http-token): send Authorization: Bearer TOKEN\n", context.RequestAborted).ConfigureAwait(false);
    }
}
