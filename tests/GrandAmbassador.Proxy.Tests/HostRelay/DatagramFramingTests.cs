using System.Buffers.Binary;
using System.Threading.Channels;
using GrandAmbassador.Proxy.HostRelay;
using GrandAmbassador.Proxy.Tests.Support;
using GrandAmbassador.Proxy.Udp;

namespace GrandAmbassador.Proxy.Tests.HostRelay;

/// <summary>
/// UDP over a host relay's link (issue 17): each datagram behind a big-endian 16-bit length, both ways, over a real
/// loopback TCP connection (a plaintext relay's) and over a stream of a multiplexed TLS link, from an empty datagram to
/// the largest a frame holds.
/// </summary>
public sealed class DatagramFramingTests
{
    private static readonly int[] Sizes = [0, 1, 20 * 1024, 65_507, 3, RelayWire.MaxDatagram, 512];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Datagrams_OfEverySize_ArriveWhole_InOrder_BothWays(bool multiplexed)
    {
        await using var pair = await LinkPair.ConnectAsync(multiplexed);
        var atRelay = Collect(pair.Relay);
        var atAmbassador = Collect(pair.Ambassador);
        var sent = Sizes.Select(Payload).ToList();

        foreach (var datagram in sent)
        {
            Assert.True(pair.Ambassador.TrySend([], datagram));
            Assert.True(pair.Relay.TrySend([], datagram));
        }

        foreach (var datagram in sent)
        {
            Assert.Equal(datagram, await atRelay.Datagrams.ReadAsync().AsTask().WaitAsync(TestTimeouts.Hang));
            Assert.Equal(datagram, await atAmbassador.Datagrams.ReadAsync().AsTask().WaitAsync(TestTimeouts.Hang));
        }
    }

    [Fact]
    public async Task OnTheWire_EachDatagramIsABigEndianLengthThenItsBytes_AndAFrameMayArriveInPieces()
    {
        await using var pair = await LinkPair.ConnectAsync(multiplexed: false);
        Assert.True(pair.Ambassador.TrySend("PROXY"u8, "hello"u8));
        Assert.True(pair.Ambassador.TrySend([], Payload(300)));

        Assert.Equal([0x00, 0x0A, .. "PROXYhello"u8.ToArray(), 0x01, 0x2C, .. Payload(300)], await pair.RelaySocket!.ReceiveExactlyAsync(2 + 10 + 2 + 300));

        // The other way, written by hand in three pieces: a length cut in two, then the rest.
        var atAmbassador = Collect(pair.Ambassador);
        byte[] frame = [0x01, 0x2C, .. Payload(300)];
        foreach (var piece in new[] { frame[..1], frame[1..100], frame[100..] })
        {
            await pair.RelaySocket!.SendAsync(piece);
        }

        Assert.Equal(Payload(300), await atAmbassador.Datagrams.ReadAsync().AsTask().WaitAsync(TestTimeouts.Hang));
    }

    [Fact]
    public async Task AHeader_TravelsInFrontOfItsDatagram_InOneFrame()
    {
        await using var pair = await LinkPair.ConnectAsync(multiplexed: false);
        var atRelay = Collect(pair.Relay);
        byte[] header = [0x0D, 0x0A, 0x0D, 0x0A];
        var datagram = Payload(65_507 - 28);

        Assert.True(pair.Ambassador.TrySend(header, datagram));

        var arrived = await atRelay.Datagrams.ReadAsync().AsTask().WaitAsync(TestTimeouts.Hang);
        Assert.Equal(header.Concat(datagram).ToArray(), arrived);
    }

    [Fact]
    public async Task ADatagramTooLongForAFrame_IsDropped_AndTheNextOneStillArrives()
    {
        await using var pair = await LinkPair.ConnectAsync(multiplexed: false);
        var atRelay = Collect(pair.Relay);

        Assert.False(pair.Ambassador.TrySend(new byte[28], Payload(RelayWire.MaxDatagram)));
        Assert.True(pair.Ambassador.TrySend([], Payload(7)));

        Assert.Equal(Payload(7), await atRelay.Datagrams.ReadAsync().AsTask().WaitAsync(TestTimeouts.Hang));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ALinkThatFallsBehind_DropsDatagrams_AndDeliversEveryOneItTook_InOrder(bool multiplexed)
    {
        await using var pair = await LinkPair.ConnectAsync(multiplexed);

        // Nobody reads at the relay's end yet: the kernel's buffers (or the stream's window) fill, then the writer's
        // pending batch, then it drops.
        // 256 MB offered is far beyond both (a few MB of socket buffers on loopback, and the pending bound).
        var taken = new List<int>();
        var index = 0;
        for (; index < 256 * 1024 * 1024 / 60_000 && (taken.Count == 0 || taken[^1] == index - 1); index++)
        {
            if (pair.Ambassador.TrySend([], Numbered(index, 60_000)))
            {
                taken.Add(index);
            }
        }

        Assert.True(taken[^1] < index - 1, $"all {index} datagrams of 60,000 bytes were taken by a link nobody reads");
        for (var more = 0; more < 50; more++)
        {
            if (pair.Ambassador.TrySend([], Numbered(index + more, 60_000)))
            {
                taken.Add(index + more);
            }
        }

        var atRelay = Collect(pair.Relay);
        foreach (var expected in taken)
        {
            var datagram = await atRelay.Datagrams.ReadAsync().AsTask().WaitAsync(TestTimeouts.Hang);
            Assert.Equal(expected, BinaryPrimitives.ReadInt32BigEndian(datagram));
            Assert.Equal(60_000, datagram.Length);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ClosingOneEnd_EndsTheOthersReceive(bool multiplexed)
    {
        await using var pair = await LinkPair.ConnectAsync(multiplexed);
        var atRelay = Collect(pair.Relay);
        Assert.True(pair.Ambassador.TrySend([], Payload(10)));
        Assert.Equal(Payload(10), await atRelay.Datagrams.ReadAsync().AsTask().WaitAsync(TestTimeouts.Hang));

        pair.Ambassador.Close();

        await atRelay.Ended.WaitAsync(TestTimeouts.Hang);
        Assert.False(pair.Ambassador.TrySend([], Payload(10)));
    }

    /// <summary>Every datagram <paramref name="link"/> receives, copied, until it ends.</summary>
    private static (ChannelReader<byte[]> Datagrams, Task Ended) Collect(RelayedDatagramLink link)
    {
        var received = Channel.CreateUnbounded<byte[]>();
        var ended = link.ReceiveAsync(datagram =>
        {
            received.Writer.TryWrite(datagram.ToArray());
            return ValueTask.CompletedTask;
        });
        return (received.Reader, ended);
    }

    private static byte[] Payload(int length)
    {
        var payload = new byte[length];
        new Random(length).NextBytes(payload);
        return payload;
    }

    private static byte[] Numbered(int index, int length)
    {
        var payload = Payload(length);
        BinaryPrimitives.WriteInt32BigEndian(payload, index);
        return payload;
    }
}
