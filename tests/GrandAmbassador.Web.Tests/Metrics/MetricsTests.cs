using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using GrandAmbassador.Testing;
using GrandAmbassador.Web.Tests.Harness;

namespace GrandAmbassador.Web.Tests.Metrics;

[Collection(WebCollection.Name)]
public sealed class MetricsTests
{
    private const int Requests = 7;
    private const string Request = "GET / HTTP/1.0\r\n\r\n";

    [Fact]
    public async Task Metrics_CountersForTheFrontedNameMoveByTheRightAmounts()
    {
        await using var docker = new DockerScope("http-metrics");
        await docker.RunHttpdAsync("web", 8080);
        var name = docker.Name("web");
        var port = FreePort.Next();
        await using var ambassador = await WebAmbassador.StartAsync("--name", name, "--port", $"{port}:8080");
        await ambassador.PollAsync("readyz", (status, _) => status == HttpStatusCode.OK);
        var before = await ambassador.Http.GetStringAsync("metrics");

        var received = 0L;
        for (var i = 0; i < Requests; i++)
        {
            received += Encoding.ASCII.GetByteCount(await Clients.ExchangeAsync(new IPEndPoint(IPAddress.Loopback, port), Request, halfClose: false));
        }

        // Bytes are added when the proxy closes its side: await the last close.
        // Every listener metric carries the fronted name and the port, the labels a dashboard selects by.
        string[] label = [$"name=\"{name}\"", $"port=\"{port}/tcp\""];
        string[] upstream = [.. label, "direction=\"upstream\""];
        string[] downstream = [.. label, "direction=\"downstream\""];
        var (_, after) = await ambassador.PollAsync("metrics", (_, text) =>
            Value(text, "grand_ambassador_bytes_total", downstream) - Value(before, "grand_ambassador_bytes_total", downstream) >= received);

        Assert.StartsWith("# ", before, StringComparison.Ordinal);
        Assert.Equal(Requests, Value(after, "grand_ambassador_connections_accepted_total", label) - Value(before, "grand_ambassador_connections_accepted_total", label));
        Assert.Equal(Requests * Request.Length, Value(after, "grand_ambassador_bytes_total", upstream) - Value(before, "grand_ambassador_bytes_total", upstream));
        Assert.Equal(received, Value(after, "grand_ambassador_bytes_total", downstream) - Value(before, "grand_ambassador_bytes_total", downstream));
        Assert.Equal(0, Value(after, "grand_ambassador_connections_active", label));
        Assert.Contains("orleans_", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_ANameRemovedAtRunTime_LeavesNoSeriesBehind()
    {
        await using var docker = new DockerScope("http-metrics-gone");
        await docker.RunHttpdAsync("web", 8080);
        var name = docker.Name("web");
        var port = FreePort.Next();
        await using var ambassador = await WebAmbassador.StartAsync("--name", name, "--port", $"{port}:8080");
        await ambassador.PollAsync("readyz", (status, _) => status == HttpStatusCode.OK);
        await Clients.ExchangeAsync(new IPEndPoint(IPAddress.Loopback, port), Request, halfClose: false);
        var label = $"name=\"{name}\"";
        await ambassador.PollAsync("metrics", (_, text) => Value(text, "grand_ambassador_connections_accepted_total", label) == 1);

        using var removed = await ambassador.Http.DeleteAsync($"api/names/{name}");
        Assert.True(removed.IsSuccessStatusCode, $"DELETE answered {removed.StatusCode}");

        // Not one series of the name stays, proxy and follower alike (before, each stayed at its last value).
        var (_, after) = await ambassador.PollAsync("metrics", (_, text) => !text.Contains(label, StringComparison.Ordinal));
        Assert.DoesNotContain(label, after, StringComparison.Ordinal);
        Assert.Contains("orleans_", after, StringComparison.Ordinal);
    }

    /// <summary>The sample of <paramref name="metric"/> whose labels include all of <paramref name="labels"/>; 0 when absent.</summary>
    internal static long Value(string exposition, string metric, params string[] labels)
    {
        foreach (var line in exposition.Split('\n'))
        {
            var match = Regex.Match(line, $"^{metric}\\{{(?<labels>[^}}]*)\\}} (?<value>\\S+)");
            if (match.Success && labels.All(label => match.Groups["labels"].Value.Contains(label, StringComparison.Ordinal)))
            {
                return (long)double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }
}
