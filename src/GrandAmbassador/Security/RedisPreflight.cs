using GrandAmbassador.Configuration;
using StackExchange.Redis;

namespace GrandAmbassador.Security;

/// <summary>
/// Connects to the cluster's Redis once before the silo starts, so that a wrong password, a TLS
/// mismatch or a Redis that is not there is one line naming the problem, never a stack trace, and
/// never the password (Orleans would otherwise retry and fail with pages of connection state).
/// A Redis that does not answer is a start-up error only where waiting makes no sense (<c>status</c>):
/// the ambassador serves what it can meanwhile and its silo retries, one line per retry (issue 7).
/// </summary>
internal static class RedisPreflight
{
    private const int TimeoutMilliseconds = 10_000;

    /// <param name="whileConnected">More checks that read Redis (<see cref="HostIdClaim"/>), made on the same connection.</param>
    public static async Task CheckAsync(
        Uri cluster, string? caFile, bool failWhenUnreachable, CancellationToken cancellationToken,
        Func<IDatabase, CancellationToken, Task>? whileConnected = null)
    {
        var options = RedisClusterUri.ToConfigurationOptions(cluster, caFile);
        options.AbortOnConnectFail = true;
        options.ConnectRetry = 1;
        options.ConnectTimeout = TimeoutMilliseconds;
        // Its own chatter (each attempt, with the connection's state) is not for the user's terminal.
        try
        {
            var redis = await ConnectionMultiplexer.ConnectAsync(options, TextWriter.Null).WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await redis.GetDatabase().PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
                if (whileConnected is not null)
                {
                    await whileConnected(redis.GetDatabase(), cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                // Closed without waiting for the connection's pending work: a plain Dispose was seen to wait 5 s (its
                // synchronous timeout) after the host id check, which delayed every clustered start, and the relay's with it.
                await redis.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
                redis.Dispose();
            }
        }
        catch (RedisConnectionException exception) when (!failWhenUnreachable && !IsAuthenticationFailure(exception) && IsUnreachable(exception))
        {
            // Not there yet: the silo's start retries with backoff and says so.
        }
        catch (RedisConnectionException exception)
        {
            throw new InvalidSettingException($"the cluster's Redis {RedisClusterUri.Display(cluster)}: {Describe(cluster, exception)}");
        }
        catch (RedisServerException exception)
        {
            // NOAUTH, NOPERM, WRONGPASS: the server says what is wrong, and never echoes the password.
            throw new InvalidSettingException($"the cluster's Redis {RedisClusterUri.Display(cluster)}: {RedisClusterUri.Redact(exception.Message.Split('\n')[0])}");
        }
    }

    private static bool IsUnreachable(RedisConnectionException exception) =>
        exception.FailureType is ConnectionFailureType.UnableToConnect or ConnectionFailureType.SocketFailure or ConnectionFailureType.UnableToResolvePhysicalConnection;

    private static string Describe(Uri cluster, RedisConnectionException exception) =>
        IsAuthenticationFailure(exception) ? "refused the user or password (check the URL's USER:PASSWORD and the user's ACL)" : IsUnreachable(exception)
            ? (cluster.Scheme == "rediss"
                    ? "cannot connect with TLS (is Redis listening with TLS there? is its certificate from --redis-ca, with this host name in it?)"
                    : $"cannot connect (is it running and reachable? a TLS Redis needs rediss://) after {TimeoutMilliseconds / 1000} s")
            : RedisClusterUri.Redact(exception.Message.Split('\n')[0]);

    /// <summary>StackExchange.Redis reports a refused password as "unable to connect", with the reason inside.</summary>
    private static bool IsAuthenticationFailure(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is RedisConnectionException { FailureType: ConnectionFailureType.AuthenticationFailure }
                || current.Message.Contains("WRONGPASS", StringComparison.Ordinal)
                || current.Message.Contains("NOAUTH", StringComparison.Ordinal)
                || current.Message.Contains("authentication failure", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
