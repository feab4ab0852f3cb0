using System.CommandLine;
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
/// <c>grand-ambassador status</c>: an Orleans client that prints, for each name, its endpoints: host,
/// container, address per port, health, since when, and which hosts can reach it.
/// </summary>
internal static class StatusCommand
{
    private static readonly TimeSpan ConnectGuard = TimeSpan.FromSeconds(30);

    public static Command Create()
    {
        var cluster = AmbassadorOptionSet.Scalar<string?>(
            "--cluster", RedisClusterUri.Form, "The cluster's Redis (prefer --cluster-file). Without it: the single-host ambassador on this machine.", () => null, null);
        var security = new SecurityOptionSet();
        var clusterId = AmbassadorOptionSet.Scalar("--cluster-id", "ID", "The cluster's id.", () => "grand-ambassador", null);
        var gatewayPort = AmbassadorOptionSet.Scalar(
            "--gateway-port", "PORT", "The single-host ambassador's gateway port (it logs it at start).", () => "30000", null);
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text." };
        var command = new Command("status", "Print every name the cluster knows, with its containers, addresses, health and reach.")
        {
            cluster, clusterId, gatewayPort, json,
        };
        foreach (var option in security.ForClients)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var clusterUri = ClusterUrlReader.Read(parse.GetValue(cluster), parse.GetValue(security.ClusterFile));
                var port = SettingsReader.ParseOptionalPort(parse.GetValue(gatewayPort), "--gateway-port") ?? 30000;
                var securitySettings = SettingsReader.ReadSecurity(parse, security);
                if (clusterUri is not null)
                {
                    await RedisPreflight.CheckAsync(clusterUri, securitySettings.RedisCaFile, failWhenUnreachable: true, cancellationToken).ConfigureAwait(false);
                }

                var status = await ReadAsync(clusterUri, parse.GetValue(clusterId)!, port, securitySettings, cancellationToken).ConfigureAwait(false);
                await Console.Out.WriteAsync(parse.GetValue(json) ? StatusPrinter.ToJson(status) + Environment.NewLine : StatusPrinter.ToText(status)).ConfigureAwait(false);
                return 0;
            }
            catch (InvalidSettingException exception)
            {
                await Console.Error.WriteLineAsync($"grand-ambassador: error: {exception.Message}").ConfigureAwait(false);
                return AmbassadorCommandLine.BadInput;
            }
        });
        return command;
    }

    private static async Task<ClusterStatus> ReadAsync(Uri? cluster, string clusterId, int gatewayPort, SecuritySettings security, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        using var refusals = new GatewayRefusals();
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
            return await StatusReader.ReadAsync(host.Services.GetRequiredService<IClusterClient>(), guard.Token).ConfigureAwait(false);
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
