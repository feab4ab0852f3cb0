using GrandAmbassador.Docker.Inspection;

namespace GrandAmbassador.Docker.Tests.Inspection;

public sealed class DockerTimestampTests
{
    private static readonly DateTimeOffset TenOClock = new(2024, 5, 1, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("2024-05-01T10:00:00.123456789Z", 1_234_567)]
    [InlineData("2024-05-01T10:00:00Z", 0)]
    [InlineData("2024-05-01T12:00:00.5+02:00", 5_000_000)]
    public void Parse_Rfc3339WithNanoseconds_KeepsTicks(string text, long ticksAfterTen)
    {
        var parsed = DockerTimestamp.Parse(text);

        Assert.Equal(TenOClock.AddTicks(ticksAfterTen), parsed);
        Assert.Equal(TimeSpan.Zero, parsed.Offset);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("not a time")]
    public void Parse_NeverOrUnreadable_IsMinValue(string? text)
    {
        Assert.Equal(DateTimeOffset.MinValue, DockerTimestamp.Parse(text));
    }
}
