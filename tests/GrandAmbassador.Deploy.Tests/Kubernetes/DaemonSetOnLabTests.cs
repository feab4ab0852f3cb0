using System.Net;
using GrandAmbassador.Testing;
using Xunit.Abstractions;

namespace GrandAmbassador.Deploy.Tests.Kubernetes;

/// <summary>
/// The DaemonSet's own configuration, run the way a kubelet with the Docker runtime would run its
/// pod on each of the lab's three hosts (a mock of Kubernetes: none can run here; the containers,
/// engines, silos and sockets are real). Redis runs from the Redis Deployment's container spec with
/// the Secret's password; cluster DNS, which the lab lacks, is an /etc/hosts line naming the
/// address where that Redis answers.
/// </summary>
[Collection(DeployCollection.Name)]
public sealed class DaemonSetOnLabTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Prefix = "ga-deploy-k8s";
    private readonly LabNode _redisNode = LabNode.Of("a");

    public Task InitializeAsync() => RemoveAsync();

    public async Task DisposeAsync()
    {
        foreach (var node in LabNode.All)
        {
            var (_, logs, errors) = await Lab.TryDockerAsync(node, "logs", "--tail", "60", $"{Prefix}-{node.Host}");
            output.WriteLine($"--- {node.NodeName} ---{System.Environment.NewLine}{logs}{errors}");
        }

        await RemoveAsync();
    }

    [Fact]
    public async Task DaemonSetsOwnPodSpec_OnThreeLabHosts_FormsOneCluster_AndProxiesAcrossHosts()
    {
        var manifests = await Manifests.LoadAsync();
        var daemonSet = manifests.Find("DaemonSet", "grand-ambassador");
        var redis = manifests.Find("Deployment", "redis");
        var service = manifests.Find("Service", "redis");
        var fronted = manifests.ConfigMapValue("fronted-names", "GRAND_AMBASSADOR_NAME").Split(',')[0];
        var servicePort = (int)service["spec"]!["ports"]![0]!["port"]!;
        var serviceName = $"{service["metadata"]!["name"]}.{service["metadata"]!["namespace"]}.svc.cluster.local";
        var dns = new Dictionary<string, string> { [serviceName] = _redisNode.HostIp };

        await Lab.DockerAsync(_redisNode, PodContainerRun.Arguments(
            redis, manifests, _redisNode, $"{Prefix}-redis", new Dictionary<string, string>(), [$"{servicePort}:{servicePort}"]));
        foreach (var node in LabNode.All)
        {
            var run = PodContainerRun.Arguments(daemonSet, manifests, node, $"{Prefix}-{node.Host}", dns);
            output.WriteLine($"{node.NodeName}: docker {string.Join(' ', run.Select(a => a.Contains("redis://", StringComparison.Ordinal) ? "GRAND_AMBASSADOR_CLUSTER=…" : a))}");
            await Lab.DockerAsync(node, run);
        }

        // The fronted name's container on host a, published: every node's ambassador fronts it.
        await Lab.DockerAsync(LabNode.Of("a"), "run", "-d", "--name", fronted, "--label", $"{Prefix}=1", "--expose", "8080", "-p", "18080:8080",
            "ga-test/busybox:latest", "sh", "-c", "mkdir -p /tmp/www && echo ga-host-a > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www");

        // Host ids from spec.nodeName and addresses from status.hostIP, as the cluster sees them.
        var status = await Eventually.GetAsync(
            async () =>
            {
                var text = await Lab.DockerAsync(LabNode.Of("c"), "exec", $"{Prefix}-c", "/usr/share/dotnet/dotnet", "/app/grand-ambassador.dll", "status");
                return text.StartsWith("hosts: ga-host-a (10.231.0.11), ga-host-b (10.231.0.12), ga-host-c (10.231.0.13)", StringComparison.Ordinal)
                    ? text
                    : throw new InvalidOperationException(text);
            },
            // A hang guard: on a loaded machine a silo can be declared dead while it joins; its
            // pod restarts (restartPolicy Always) and joins again.
            TimeSpan.FromMinutes(4),
            "the three nodes in the cluster's status");
        output.WriteLine(status);

        // Across hosts: the container on a, through the ambassadors on c and on b.
        foreach (var through in new[] { "c", "b" })
        {
            var page = await Eventually.GetAsync(
                async () => await GetPageAsync(new IPEndPoint(IPAddress.Parse(LabNode.Of(through).HostIp), 8080)),
                TimeSpan.FromMinutes(1),
                $"{fronted} through ga-host-{through}");
            Assert.Equal("ga-host-a", page);
        }

        foreach (var node in LabNode.All)
        {
            output.WriteLine($"{node.NodeName}: " + await Lab.DockerAsync(node, "stats", "--no-stream", "--format", "{{.Name}} {{.MemUsage}} {{.CPUPerc}}", $"{Prefix}-{node.Host}"));
        }
    }

    private static async Task<string> GetPageAsync(IPEndPoint endpoint)
    {
        var response = await Clients.ExchangeAsync(endpoint, "GET / HTTP/1.0\r\n\r\n", halfClose: false);
        return response.StartsWith(Clients.HttpOk, StringComparison.Ordinal)
            ? response.Split("\r\n\r\n", 2)[1].Trim()
            : throw new InvalidOperationException(response.Split("\r\n")[0]);
    }

    private async Task RemoveAsync()
    {
        foreach (var node in LabNode.All)
        {
            var (_, ids, _) = await Lab.TryDockerAsync(node, "ps", "-aq", "--filter", $"name={Prefix}-");
            var (_, labelled, _) = await Lab.TryDockerAsync(node, "ps", "-aq", "--filter", $"label={Prefix}");
            var all = (ids + "\n" + labelled).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToArray();
            if (all.Length > 0)
            {
                await Lab.TryDockerAsync(node, ["rm", "-f", .. all]);
            }
        }
    }
}
