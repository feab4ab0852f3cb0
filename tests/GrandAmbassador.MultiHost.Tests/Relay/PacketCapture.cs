using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using GrandAmbassador.Testing;

namespace GrandAmbassador.MultiHost.Tests.Relay;

/// <summary>
/// tcpdump on the lab's bridge (galab0), where every packet between two lab hosts passes, capturing TCP on some
/// ports: started, awaited until it listens, and read back packet by packet from its pcap file once it has written
/// everything sent before the stop. A packet still in the kernel's buffer when tcpdump is told to stop is lost (it
/// says "received by filter" but not "captured"), so the stop first sends a sentinel, a connection attempt to host
/// b on the first port (nothing listens there: b resets it), and waits until the file holds it.
/// </summary>
internal sealed class PacketCapture : IAsyncDisposable
{
    /// <summary>Host b's address: the sentinel's destination, whose packets are left out of what the capture returns.</summary>
    private const string Sentinel = "10.231.0.12";

    private readonly RunningProcess _tcpdump;
    private readonly string _file;
    private readonly int _sentinelPort;

    private PacketCapture(RunningProcess tcpdump, string file, int sentinelPort)
    {
        _tcpdump = tcpdump;
        _file = file;
        _sentinelPort = sentinelPort;
    }

    public string Filter { get; private init; } = "";

    /// <summary>Captures TCP to or from any of <paramref name="ports"/> (tests that capture leave host b's ambassador off).</summary>
    public static async Task<PacketCapture> StartAsync(params int[] ports)
    {
        var filter = string.Join(" or ", ports.Select(port => $"tcp port {port}"));
        var file = Path.Combine(Path.GetTempPath(), $"ga-relay-{Guid.NewGuid():N}.pcap");
        // --immediate-mode: packets handed to tcpdump as they come, not in blocks; -U: each written as it comes;
        // -s 0: whole packets; -n: no name lookups.
        var tcpdump = RunningProcess.Start("tcpdump", ["-i", "galab0", "-n", "--immediate-mode", "-U", "-s", "0", "-w", file, filter]);
        var capture = new PacketCapture(tcpdump, file, ports[0]) { Filter = filter };
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

    /// <summary>Stops the capture once it holds everything sent so far; returns its TCP/IPv4 packets, the sentinel's left out.</summary>
    public async Task<IReadOnlyList<CapturedPacket>> StopAsync()
    {
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var reset = await Assert.ThrowsAsync<SocketException>(async () => await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(Sentinel), _sentinelPort), guard.Token));
            Assert.Equal(SocketError.ConnectionRefused, reset.SocketErrorCode);
        }

        // The file is what tcpdump has written: read it until the sentinel is in it (a hang guard, not a timing).
        await Eventually.GetAsync(
            async () => Read(await ReadFileAsync()).Any(IsSentinel) ? true : throw new InvalidOperationException("the sentinel is not written yet"),
            TimeSpan.FromSeconds(30),
            "tcpdump writing the sentinel");
        if (!_tcpdump.HasExited)
        {
            await _tcpdump.SignalAsync("INT");
        }

        await _tcpdump.WaitForExitAsync(TimeSpan.FromSeconds(30));
        return [.. Read(await ReadFileAsync()).Where(packet => !IsSentinel(packet))];
    }

    /// <summary>What tcpdump said (how many packets it captured, dropped).</summary>
    public string Said => _tcpdump.Dump();

    public async ValueTask DisposeAsync()
    {
        await _tcpdump.DisposeAsync();
        File.Delete(_file);
    }

    private static bool IsSentinel(CapturedPacket packet) => packet.Source == Sentinel || packet.Destination == Sentinel;

    // Shared with tcpdump, which is writing it.
    private async Task<byte[]> ReadFileAsync()
    {
        await using var file = new FileStream(_file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var bytes = new MemoryStream();
        await file.CopyToAsync(bytes);
        return bytes.ToArray();
    }

    /// <summary>A classic pcap file (micro- or nanosecond, either byte order) of Ethernet frames: its TCP/IPv4 packets.</summary>
    private static List<CapturedPacket> Read(byte[] file)
    {
        if (file.Length < 24)
        {
            return [];
        }

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
            if (offset + 16 + captured > file.Length)
            {
                break; // a record tcpdump is still writing
            }

            var frame = file.AsSpan(offset + 16, captured);
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
