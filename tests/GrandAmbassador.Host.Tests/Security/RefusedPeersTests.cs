using System.Net;
using GrandAmbassador.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace GrandAmbassador.Host.Tests.Security;

/// <summary>Unit tests with a fake clock: a refused peer is logged once per address, kind of refusal and quiet period.</summary>
public sealed class RefusedPeersTests
{
    [Fact]
    public void RetriesFromOneAddress_AreLoggedOnce_UntilTheQuietPeriodEnds()
    {
        var time = new FakeTimeProvider();
        var logger = new ListLogger();
        var refused = new RefusedPeers(logger, time);

        refused.Refused(new IPEndPoint(IPAddress.Parse("10.0.0.9"), 40001), "inbound silo", "no certificate", RefusalKind.Handshake);
        refused.Refused(new IPEndPoint(IPAddress.Parse("10.0.0.9"), 40002), "inbound silo", "no certificate", RefusalKind.Handshake);
        refused.Refused(new IPEndPoint(IPAddress.Parse("10.0.0.8"), 40003), "inbound silo", "no certificate", RefusalKind.Handshake);
        time.Advance(RefusedPeers.QuietPeriod);
        refused.Refused(new IPEndPoint(IPAddress.Parse("10.0.0.9"), 40004), "inbound silo", "no certificate", RefusalKind.Handshake);

        Assert.Equal(3, logger.Lines.Count);
        Assert.Contains("10.0.0.9:40001", logger.Lines[0]);
        Assert.Contains("10.0.0.8:40003", logger.Lines[1]);
        Assert.Contains("10.0.0.9:40004", logger.Lines[2]);
    }

    [Fact]
    public void ACertificateRefusedFromAnAddressWhoseHandshakesFailed_IsLoggedAtOnce_ButOnlyOnce()
    {
        var time = new FakeTimeProvider();
        var logger = new ListLogger();
        var refused = new RefusedPeers(logger, time);

        refused.Refused(new IPEndPoint(IPAddress.Loopback, 40001), "inbound silo", "no certificate", RefusalKind.Handshake);
        refused.Refused(new IPEndPoint(IPAddress.Loopback, 40002), "outbound silo", "its certificate CN=x is issued by CN=other", RefusalKind.Certificate);
        // A peer that makes up a new issuer for every attempt is still one line.
        refused.Refused(new IPEndPoint(IPAddress.Loopback, 40003), "outbound silo", "its certificate CN=x is issued by CN=other-2", RefusalKind.Certificate);

        Assert.Equal(2, logger.Lines.Count);
        Assert.Contains("CN=x is issued by CN=other", logger.Lines[1]);
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add(formatter(state, exception));
    }
}
