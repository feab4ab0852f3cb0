using GrandAmbassador.Configuration;
using GrandAmbassador.Hosting;
using GrandAmbassador.Security;
using GrandAmbassador.Status;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace GrandAmbassador.CommandLine;

/// <summary>
/// Runs one piece of work as a one-shot Orleans client of the cluster: connect (bounded by
/// <see cref="ConnectGuard"/>; a gateway that refuses the client is one line after a few seconds), work, leave.
/// </summary>
internal static class ClusterClientRunner
{
    public static readonly TimeSpan ConnectGuard = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Runs a client command (status, drain, undrain) and turns its two expected failures into one line each and an
    /// exit code: bad input (<see cref="AmbassadorCommandLine.BadInput"/>) and no ambassador listening (1). Anything
    /// else is left to the command line's own handler.
    /// </summary>
    public static async Task<int> ExitCodeAsync(Func<Task<int>> command)
    {
        try
        {
            return await command().ConfigureAwait(false);
        }
        catch (InvalidSettingException exception)
        {
            await Console.Error.WriteLineAsync($"grand-ambassador: error: {exception.Message}").ConfigureAwait(false);
            return AmbassadorCommandLine.BadInput;
        }
        catch (NotRunningException exception)
        {
            await Console.Error.WriteLineAsync($"grand-ambassador: {exception.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    /// <param name="workGuard">How long the work may take once connected, on top of the connection.</param>
    public static async Task<T> RunAsync<T>(
        ClusterClientSettings settings, TimeSpan workGuard, Func<IClusterClient, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        if (settings.Cluster is { } redisUri)
        {
            await RedisPreflight.CheckAsync(redisUri, settings.Security.RedisCaFile, failWhenUnreachable: true, cancellationToken).ConfigureAwait(false);
        }

        // Single host: nothing listening on the gateway is said at once, not after the connection guard.
        if (settings.Cluster is null && await GatewayProbe.WhyNothingListensAsync(settings.GatewayPort, cancellationToken).ConfigureAwait(false) is { } refused)
        {
            throw new NotRunningException($"no ambassador is running at 127.0.0.1:{settings.GatewayPort} ({refused})");
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        using var refusals = new GatewayRefusals();
        var (cluster, clusterId, gatewayPort, security) = settings;
        builder.UseOrleansClient(client =>
        {
            // Before TLS, so that it also sees the connections whose handshake failed.
            client.Services.AddOptions<ClientConnectionOptions>().Configure(options => options.ConfigureConnection(refusals.Watch));
            if (cluster is null)
            {
                client.UseLocalhostClustering(gatewayPort, SiloConfiguration.ServiceId, clusterId);
            }
            else
            {
                var redis = RedisClusterUri.ToConfigurationOptions(cluster, security.RedisCaFile);
                client.UseRedisClustering(options => options.ConfigurationOptions = redis);
                client.Configure<ClusterOptions>(options =>
                {
                    options.ClusterId = clusterId;
                    options.ServiceId = SiloConfiguration.ServiceId;
                });
            }

            if (security.Tls is { } tls)
            {
                ClusterSecurity.ConfigureClient(client, tls);
            }
        });
        using var host = builder.Build();
        using var guard = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, refusals.GivenUp);
        guard.CancelAfter(ConnectGuard);
        try
        {
            await host.StartAsync(guard.Token).ConfigureAwait(false);
            // Connected: from now on the work's own bound, not the connection's.
            guard.CancelAfter(ConnectGuard + workGuard);
            return await work(host.Services.GetRequiredService<IClusterClient>(), guard.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not InvalidSettingException)
        {
            var where = cluster is null ? $"localhost gateway port {gatewayPort}" : RedisClusterUri.Display(cluster);
            var why = refusals.Gateway is { } gateway
                ? $"its gateways closed {GatewayRefusals.Limit} connections in a row (the last: {gateway})"
                : RedisClusterUri.Redact(exception.Message.Split('\n')[0]);
            var hint = (security.Tls, refusals.Gateway) switch
            {
                (null, _) => " (if the cluster uses TLS, give --tls-cert, --tls-key and --tls-ca)",
                (_, null) => " (or its gateways refused this certificate)",
                _ => " (they refuse this certificate: is it from the cluster's CA, and does the cluster use TLS?)",
            };
            throw new StartupException($"cannot reach the cluster ({where}): {why}{hint}");
        }
        finally
        {
            using var stopGuard = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await host.StopAsync(stopGuard.Token).ConfigureAwait(false);
        }
    }
}
