using System.Net;
using System.Net.Sockets;
using GrandAmbassador.Configuration;

namespace GrandAmbassador.Http;

/// <summary>
/// Checks before start-up that the HTTP address can be bound: an explicit <c>--http</c> that cannot is
/// a start-up error; the default one, taken by another ambassador on this machine, only turns HTTP off.
/// </summary>
internal static class HttpPortCheck
{
    /// <returns>The settings to run with; <paramref name="defaultInUse"/> is set when the default address was given up.</returns>
    public static HttpSettings Resolve(HttpSettings settings, out IPEndPoint? defaultInUse)
    {
        defaultInUse = null;
        if (settings.Endpoint is not { Port: > 0 } endpoint)
        {
            return settings;
        }

        try
        {
            using var probe = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(endpoint);
            return settings;
        }
        catch (SocketException) when (settings.IsDefault)
        {
            defaultInUse = endpoint;
            return HttpSettings.Off;
        }
        catch (SocketException exception)
        {
            throw new InvalidSettingException($"--http {endpoint}: cannot listen there: {exception.Message}");
        }
    }
}
