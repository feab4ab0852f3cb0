using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Http;

/// <summary>Says once, at start, that the default HTTP address was taken and the server is off.</summary>
internal sealed class HttpOffNotice(IPEndPoint address, ILogger<HttpOffNotice> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        HttpLog.DefaultInUse(logger, address.ToString());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
