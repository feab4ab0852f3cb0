using System.Net;
using System.Text;
using GrandAmbassador.Proxy.ProxyProtocol;
using GrandAmbassador.Proxy.Routing;

namespace GrandAmbassador.Proxy.Tests.ProxyProtocol;

/// <summary>The PROXY header codec: what the writer makes, the parser reads back; what is not a header is refused.</summary>
public sealed class ProxyHeaderCodecTests
{
    public static TheoryData<string, int, string, int> Pairs => new()
    {
        { "192.0.2.10", 51234, "10.0.0.1", 8080 },
        { "2001:db8::7", 65535, "2001:db8::1", 1 },
        { "0.0.0.0", 0, "255.255.255.255", 443 },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void V1_RoundTrip(string source, int sourcePort, string destination, int destinationPort)
    {
        var bytes = ProxyHeaderWriter.Create(ProxyProtocolVersion.V1, new(IPAddress.Parse(source), sourcePort), new(IPAddress.Parse(destination), destinationPort));
        var family = IPAddress.Parse(source).AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? "TCP4" : "TCP6";
        Assert.Equal($"PROXY {family} {source} {destination} {sourcePort} {destinationPort}\r\n", Encoding.ASCII.GetString(bytes));
        AssertRoundTrip(bytes, ProxyProtocolVersion.V1, source, sourcePort, destination, destinationPort);
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void V2_RoundTrip(string source, int sourcePort, string destination, int destinationPort)
    {
        var bytes = ProxyHeaderWriter.Create(ProxyProtocolVersion.V2, new(IPAddress.Parse(source), sourcePort), new(IPAddress.Parse(destination), destinationPort));
        Assert.Equal(IPAddress.Parse(source).AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 28 : 52, bytes.Length);
        Assert.Equal(0x21, bytes[12]);
        AssertRoundTrip(bytes, ProxyProtocolVersion.V2, source, sourcePort, destination, destinationPort);
    }

    [Fact]
    public void V2_Udp_SaysDatagram()
    {
        var v4 = ProxyHeaderWriter.Create(ProxyProtocolVersion.V2, new(IPAddress.Loopback, 1), new(IPAddress.Loopback, 2), datagram: true);
        var v6 = ProxyHeaderWriter.Create(ProxyProtocolVersion.V2, new(IPAddress.IPv6Loopback, 1), new(IPAddress.IPv6Loopback, 2), datagram: true);
        Assert.Equal(0x12, v4[13]);
        Assert.Equal(0x22, v6[13]);
        Assert.Equal(ProxyParseStatus.Complete, ProxyHeaderParser.Parse(v6, out var header));
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 1), header.Source);
        Assert.Throws<ArgumentException>(() => ProxyHeaderWriter.Create(ProxyProtocolVersion.V1, new(IPAddress.Loopback, 1), new(IPAddress.Loopback, 2), datagram: true));
    }

    [Fact]
    public void MappedAndMixedFamilies_AreWrittenInOneFamily()
    {
        // A dual-stack listener sees an IPv4 client as ::ffff:a.b.c.d: the backend is told the IPv4 address it used.
        var mapped = ProxyHeaderWriter.Create(ProxyProtocolVersion.V1, new(IPAddress.Parse("::ffff:192.0.2.1"), 5), new(IPAddress.Parse("::ffff:10.0.0.1"), 6));
        Assert.Equal("PROXY TCP4 192.0.2.1 10.0.0.1 5 6\r\n", Encoding.ASCII.GetString(mapped));
        var mixed = ProxyHeaderWriter.Create(ProxyProtocolVersion.V1, new(IPAddress.Parse("192.0.2.1"), 5), new(IPAddress.Parse("2001:db8::1"), 6));
        Assert.Equal("PROXY TCP6 ::ffff:192.0.2.1 2001:db8::1 5 6\r\n", Encoding.ASCII.GetString(mixed));
    }

    [Fact]
    public void ALinkLocalZone_IsLeftOut()
    {
        var source = new IPEndPoint(IPAddress.Parse("fe80::1%2"), 7);
        var bytes = ProxyHeaderWriter.Create(ProxyProtocolVersion.V1, source, new(IPAddress.Parse("fe80::2"), 8));
        Assert.Equal("PROXY TCP6 fe80::1 fe80::2 7 8\r\n", Encoding.ASCII.GetString(bytes));
    }

    [Fact]
    public void Local_AndUnknown_CarryNoAddress()
    {
        Assert.Equal(ProxyParseStatus.Complete, ProxyHeaderParser.Parse(ProxyHeaderWriter.CreateV2Local(), out var local));
        Assert.False(local.HasAddresses);
        Assert.Equal(16, local.Length);
        Assert.Equal(ProxyParseStatus.Complete, ProxyHeaderParser.Parse("PROXY UNKNOWN\r\nGET"u8, out var unknown));
        Assert.False(unknown.HasAddresses);
        Assert.Equal(15, unknown.Length);
        Assert.Equal(ProxyParseStatus.Complete, ProxyHeaderParser.Parse("PROXY UNKNOWN ff 1 2 3\r\n"u8, out _));
    }

    [Fact]
    public void BytesAfterTheHeader_AreNotTheHeaders()
    {
        var header = ProxyHeaderWriter.Create(ProxyProtocolVersion.V2, new(IPAddress.Loopback, 1), new(IPAddress.Loopback, 2));
        var withData = header.Concat("hello"u8.ToArray()).ToArray();
        Assert.Equal(ProxyParseStatus.Complete, ProxyHeaderParser.Parse(withData, out var parsed));
        Assert.Equal(header.Length, parsed.Length);
    }

    [Fact]
    public void V2_WithTlvs_SkipsThem()
    {
        var header = ProxyHeaderWriter.Create(ProxyProtocolVersion.V2, new(IPAddress.Loopback, 1), new(IPAddress.Loopback, 2)).ToList();
        byte[] tlv = [0x04, 0x00, 0x03, 1, 2, 3]; // PP2_TYPE_NOOP, 3 bytes
        header.AddRange(tlv);
        var bytes = header.ToArray();
        bytes[15] = (byte)(12 + tlv.Length);
        Assert.Equal(ProxyParseStatus.Complete, ProxyHeaderParser.Parse(bytes, out var parsed));
        Assert.Equal(bytes.Length, parsed.Length);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 1), parsed.Source);
    }

    [Fact]
    public void EveryTruncation_IsIncomplete()
    {
        foreach (var version in new[] { ProxyProtocolVersion.V1, ProxyProtocolVersion.V2 })
        {
            var bytes = ProxyHeaderWriter.Create(version, new(IPAddress.Parse("2001:db8::7"), 40000), new(IPAddress.Parse("2001:db8::1"), 80));
            for (var length = 0; length < bytes.Length; length++)
            {
                Assert.Equal(ProxyParseStatus.Incomplete, ProxyHeaderParser.Parse(bytes.AsSpan(0, length), out _));
            }
        }
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\n")]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n")] // LF without CR
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n")] // a field missing
    [InlineData("PROXY TCP4  1.2.3.4 5.6.7.8 1 2\r\n")] // two spaces
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 1 65536\r\n")] // port out of range
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 01 2\r\n")] // leading zero
    [InlineData("PROXY TCP4 ::1 ::1 1 2\r\n")] // wrong family
    [InlineData("PROXY TCP6 1.2.3.4 5.6.7.8 1 2\r\n")]
    [InlineData("PROXY TCP4 1 5.6.7.8 1 2\r\n")] // a number IPAddress.Parse would take
    [InlineData("PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n")] // no such protocol in v1
    [InlineData("proxy TCP4 1.2.3.4 5.6.7.8 1 2\r\n")]
    [InlineData("PROXY TCP4 1.2.3.4\r5.6.7.8 1 2\r\n")]
    public void NotAHeader_IsInvalid(string text) =>
        Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderParser.Parse(Encoding.ASCII.GetBytes(text), out _));

    [Fact]
    public void V1_LongerThan107Bytes_IsInvalid()
    {
        var line = "PROXY UNKNOWN " + new string('a', ProxyHeaderParser.MaxV1Length);
        Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderParser.Parse(Encoding.ASCII.GetBytes(line), out _));
        var exactly = "PROXY UNKNOWN " + new string('a', ProxyHeaderParser.MaxV1Length - 16) + "\r\n";
        Assert.Equal(ProxyHeaderParser.MaxV1Length, exactly.Length);
        Assert.Equal(ProxyParseStatus.Complete, ProxyHeaderParser.Parse(Encoding.ASCII.GetBytes(exactly), out _));
    }

    [Fact]
    public void V2_Malformed_IsInvalid()
    {
        var good = ProxyHeaderWriter.Create(ProxyProtocolVersion.V2, new(IPAddress.Loopback, 1), new(IPAddress.Loopback, 2));
        Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderParser.Parse(With(good, 12, 0x11), out _)); // version 1
        Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderParser.Parse(With(good, 12, 0x22), out _)); // command 2
        Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderParser.Parse(With(good, 12, 0x22).AsSpan(0, 13), out _)); // said early
        Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderParser.Parse(With(good, 13, 0x13), out _)); // transport 3
        Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderParser.Parse(With(good, 13, 0x41), out _)); // family 4
        Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderParser.Parse(With(good, 15, 8), out _)); // block too short for IPv4
        Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderParser.Parse(With(good, 0, 0x0A), out _)); // signature
    }

    [Fact]
    public void V2_Oversize_IsInvalid_BeforeItsBytesArrive()
    {
        var header = ProxyHeaderWriter.Create(ProxyProtocolVersion.V2, new(IPAddress.Loopback, 1), new(IPAddress.Loopback, 2));
        header[14] = 0x10; // 4096 + 12 bytes of addresses and TLVs
        Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderParser.Parse(header.AsSpan(0, 16), out _));
        Assert.Equal(ProxyParseStatus.Incomplete, ProxyHeaderParser.Parse(header.AsSpan(0, 16), out _, maxV2Length: 65_551));
    }

    private static byte[] With(byte[] bytes, int index, byte value)
    {
        var copy = (byte[])bytes.Clone();
        copy[index] = value;
        return copy;
    }

    private static void AssertRoundTrip(byte[] bytes, ProxyProtocolVersion version, string source, int sourcePort, string destination, int destinationPort)
    {
        Assert.Equal(ProxyParseStatus.Complete, ProxyHeaderParser.Parse(bytes, out var header));
        Assert.Equal(version, header.Version);
        Assert.Equal(bytes.Length, header.Length);
        Assert.Equal(new IPEndPoint(IPAddress.Parse(source), sourcePort), header.Source);
        Assert.Equal(new IPEndPoint(IPAddress.Parse(destination), destinationPort), header.Destination);
    }
}
