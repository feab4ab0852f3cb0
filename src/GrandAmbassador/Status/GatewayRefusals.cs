using Microsoft.AspNetCore.Connections;

namespace GrandAmbassador.Status;

/// <summary>
/// Watches <c>status</c>'s gateway connections. A gateway that accepts the TCP connection and then
/// closes it refuses this client: a TLS gateway facing a client without TLS (or with a certificate it
/// does not trust), or a gateway of another cluster. Orleans would retry such a gateway until the
/// client's guard runs out; a one-shot command gives up after <see cref="Limit"/> of them.
/// </summary>
internal sealed class GatewayRefusals : IDisposable
{
    /// <summary>
    /// Two, not one: a gateway whose silo is shutting down closes a connection once; a refusing gateway
    /// closes every one. Orleans retries a refusing gateway after a few seconds.
    /// </summary>
    public const int Limit = 2;

    private readonly CancellationTokenSource _givenUp = new();
    private int _count;

    /// <summary>Cancelled once <see cref="Limit"/> connections were closed on the client.</summary>
    public CancellationToken GivenUp => _givenUp.Token;

    /// <summary>The last refusing gateway's address, once given up.</summary>
    public string? Gateway { get; private set; }

    public void Watch(IConnectionBuilder connection) =>
        connection.Use(next => async context =>
        {
            try
            {
                await next(context).ConfigureAwait(false);
            }
            finally
            {
                // Status never closes a connection before it has printed: every connection that ends earlier was refused.
                if (Interlocked.Increment(ref _count) == Limit)
                {
                    Gateway = context.RemoteEndPoint?.ToString() ?? "unknown";
                    await _givenUp.CancelAsync().ConfigureAwait(false);
                }
            }
        });

    public void Dispose() => _givenUp.Dispose();
}
