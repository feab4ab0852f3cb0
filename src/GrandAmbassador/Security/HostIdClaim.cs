using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using GrandAmbassador.Configuration;
using GrandAmbassador.Hosting;
using StackExchange.Redis;

namespace GrandAmbassador.Security;

/// <summary>
/// Before a clustered host joins: is its host id (its silo name, <see cref="SiloConfiguration"/>)
/// already held by a live member? Two hosts with one id dial each other's private container
/// addresses, and a second silo started by mistake beside the first could get a healthy host voted
/// dead. Reads Orleans' membership table in Redis (a hash <c>{serviceId}/members/{clusterId}</c>, one
/// JSON row per silo, written by Orleans.Clustering.Redis); a member counts as live when the table
/// says Joining or Active and its silo port accepts a connection (a crashed predecessor's row stays
/// Active until the others vote it dead, and must not lock its host out).
/// </summary>
internal static class HostIdClaim
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    public static async Task CheckAsync(IDatabase redis, string clusterId, string hostId, CancellationToken cancellationToken)
    {
        var rows = await redis.HashGetAllAsync($"{SiloConfiguration.ServiceId}/members/{clusterId}").WaitAsync(cancellationToken).ConfigureAwait(false);
        foreach (var row in rows)
        {
            if (Member(row.Value) is { } member && member.Name == hostId && member.Status is SiloStatus.Joining or SiloStatus.Active
                && await AnswersAsync(member.Address.Endpoint, cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidSettingException(
                    $"host id {hostId} is already held by live silo {member.Address.Endpoint} (cluster {clusterId}): stop that one first, or give this host its own --host-id");
            }
        }
    }

    /// <summary>A row's silo name, status and address; null for the table's version row or a row this version cannot read.</summary>
    private static (string? Name, SiloStatus Status, SiloAddress Address)? Member(RedisValue value)
    {
        try
        {
            using var row = JsonDocument.Parse((string)value!);
            var root = row.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("SiloAddress", out var address) || !address.TryGetProperty("SiloAddress", out var parsable)
                || !root.TryGetProperty("Status", out var status))
            {
                return null;
            }

            var siloStatus = status.ValueKind == JsonValueKind.Number
                ? (SiloStatus)status.GetInt32()
                : Enum.Parse<SiloStatus>(status.GetString()!);
            var name = root.TryGetProperty("SiloName", out var siloName) ? siloName.GetString() : null;
            return (name, siloStatus, SiloAddress.FromParsableString(parsable.GetString()!));
        }
        catch (Exception exception) when (exception is JsonException or FormatException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    private static async Task<bool> AnswersAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            await socket.ConnectAsync(endpoint, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception exception) when (exception is SocketException || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }
}
