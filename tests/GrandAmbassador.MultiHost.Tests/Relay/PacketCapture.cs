using System.Buffers.Binary;
using GrandAmbassador.Testing;

namespace GrandAmbassador.MultiHost.Tests.Relay;

/// <summary>
/// tcpdump on the lab's bridge (galab0), where every packet between two lab hosts passes, with a capture filter:
/// started, awaited until it listens, stopped with SIGINT (it then writes out what it holds) and read back packet by
/// packet from its pcap file.
/// </summary>
internal sealed class PacketCapture : IAsyncDisposable
{
    private readonly RunningProcess _tcpdump;
    private readonly string _file;

    private PacketCapture(RunningProcess tcpdump, string file)
    {
        _tcpdump = tcpdump;
        _file = file;
    }

    public string Filter { get; private init; } = "";

    public static async Task<PacketCapture> StartAsync(string filter)
    {
        var file = Path.Combine(Path.GetTempPath(), $"ga-relay-{Guid.NewGuid():N}.pcap");
        // -U: each packet written as it comes; -s 0: whole packets; -n: no name lookups.
        var tcpdump = RunningProcess.Start("tcpdump", ["-i", "galab0", "-n", "-U", "-s", "0", "-w", file, filter]);
        var capture = new PacketCapture(tcpdump, file) { Filter = filter };
        try
        {
            await tcpdump.WaitForAsync(line => line.Contains("listening on galab0", StringComparison.Ordinal), guard: TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            await capture.DisposeAsync();
            throw new InvalidOperationException($"tcpdump did not start listening on galab0: {tcpdump.Dump()}");
        }

        return capture;
    }

    /// <summary>Stops the capture and returns every TCP/IPv4 packet it holds.</summary>
    public async Task<IReadOnlyList<CapturedPacket>> StopAsync()
    {
        if (!_tcpdump.HasExited)
        {
            await _tcpdump.SignalAsync("INT");
        }

        await _tcpdump.WaitForExitAsync(TimeSpan.FromSeconds(30));
        return Read(await File.ReadAllBytesAsync(_file));
    }

    /// <summary>What tcpdump said (how many packets it captured, dropped).</summary>
    public string Said => _tcpdump.Dump();

    public async ValueTask DisposeAsync()
    {
        await _tcpdump.DisposeAsync();
        File.Delete(_file);
    }

    /// <summary>A classic pcap file (micro- or nanosecond, either byte order) of Ethernet frames: its TCP/IPv4 packets.</summary>
    private static List<CapturedPacket> Read(byte[] file)
    {
        var magic = BinaryPrimitives.ReadUInt32LittleEndian(file);
        var littleEndian = magic is 0xa1b2c3d4 or 0xa1b23c4d;
        if (!littleEndian && BinaryPrimitives.ReadUInt32BigEndian(file) is not (0xa1b2c3d4 or 0xa1b23c4d))
        {
            throw new InvalidDataException($"not a pcap file (magic {magic:x8})");
        }

        uint U32(int offset) => littleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset)) : BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(offset));
        var packets = new List<CapturedPacket>();
        for (var offset = 24; offset + 16 <= file.Length;)
        {
            var captured = (int)U32(offset + 8);
            var frame = file.AsSpan(offset + 16, Math.Min(captured, file.Length - offset - 16));
            offset += 16 + captured;
            // Ethernet II, IPv4, TCP.
            if (frame.Length < 14 + 20 || BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) != 0x0800)
            {
                continue;
            }

            var ip = frame[14..];
            var ipHeader = (ip[0] & 0x0f) * 4;
            var ipLength = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
            if (ip[9] != 6 || ip.Length < ipHeader + 20)
            {
                continue;
            }

            var tcp = ip[ipHeader..];
            var tcpHeader = (tcp[12] >> 4) * 4;
            var payloadLength = Math.Max(0, Math.Min(ipLength, ip.Length) - ipHeader - tcpHeader);
            packets.Add(new CapturedPacket(
                $"{ip[12]}.{ip[13]}.{ip[14]}.{ip[15]}",
                BinaryPrimitives.ReadUInt16BigEndian(tcp),
                $"{ip[16]}.{ip[17]}.{ip[18]}.{ip[19]}",
                BinaryPrimitives.ReadUInt16BigEndian(tcp[2..]),
                tcp[13],
                tcp.Slice(tcpHeader, payloadLength).ToArray()));
        }

        return packets;
    }
}

/// <summary>One captured TCP/IPv4 packet: its ends, its flags and its payload.</summary>
internal sealed record CapturedPacket(string Source, int SourcePort, string Destination, int DestinationPort, byte Flags, byte[] Payload)
{
    public bool IsSyn => (Flags & 0x02) != 0 && (Flags & 0x10) == 0;

    public bool Involves(int port) => SourcePort == port || DestinationPort == port;
}
