using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using GrandAmbassador.Testing;
using Xunit.Abstractions;

namespace GrandAmbassador.Deploy.Tests.Kubernetes;

/// <summary>
/// The DaemonSet's own configuration, run the way a kubelet with the Docker runtime would run its
/// pod on each of the lab's three hosts (a mock of Kubernetes: none can run here; the containers,
/// engines, silos and sockets are real). Redis runs from the Redis Deployment's container spec with
/// the Secret's password; cluster DNS, which the lab lacks, is an /etc/hosts line naming the
/// address where that Redis answers. The Secret grand-ambassador-tls, which a user creates with
/// <c>kubectl create secret generic --from-file</c>, is a directory of the files the image's own
/// <c>tls ca</c> and <c>tls cert</c> commands wrote, mounted where the secret volume goes.
/// </summary>
[Collection(DeployCollection.Name)]
public sealed class DaemonSetOnLabTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Prefix = "ga-deploy-k8s";
    private readonly LabNode _redisNode = LabNode.Of("a");
    private readonly string _tls = Directory.CreateTempSubdirectory("ga-deploy-k8s-tls-").FullName;

    public Task InitializeAsync() => RemoveAsync();

    public async Task DisposeAsync()
    {
        foreach (var node in LabNode.All)
        {
            var (_, logs, errors) = await Lab.TryDockerAsync(node, "logs", "--tail", "60", $"{Prefix}-{node.Host}");
            output.WriteLine($"--- {node.NodeName} ---{System.Environment.NewLine}{logs}{errors}");
        }

        await RemoveAsync();
        Directory.Delete(_tls, recursive: true);
    }

    [Fact]
    public async Task DaemonSetsOwnPodSpec_OnThreeLabHosts_FormsOneTlsCluster_PassesItsProbes_AndProxiesAcrossHosts()
    {
        var manifests = await Manifests.LoadAsync();
        var daemonSet = manifests.Find("DaemonSet", "grand-ambassador");
        var redis = manifests.Find("Deployment", "redis");
        var service = manifests.Find("Service", "redis");
        var fronted = manifests.ConfigMapValue("fronted-names", "GRAND_AMBASSADOR_NAME").Split(',')[0];
        var servicePort = (int)service["spec"]!["ports"]![0]!["port"]!;
        var serviceName = $"{service["metadata"]!["name"]}.{service["metadata"]!["namespace"]}.svc.cluster.local";
        var dns = new Dictionary<string, string> { [serviceName] = _redisNode.HostIp };
        var secrets = new Dictionary<string, string> { ["grand-ambassador-tls"] = await MakeTlsSecretAsync() };

        await Lab.DockerAsync(_redisNode, PodContainerRun.Arguments(
            redis, manifests, _redisNode, $"{Prefix}-redis", new Dictionary<string, string>(), [$"{servicePort}:{servicePort}"]));
        foreach (var node in LabNode.All)
        {
            var run = PodContainerRun.Arguments(daemonSet, manifests, node, $"{Prefix}-{node.Host}", dns, secretDirectories: secrets);
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

        // Every silo speaks TLS with its node's certificate (`status` above went through a TLS gateway).
        foreach (var node in LabNode.All)
        {
            var (_, logs, errors) = await Lab.TryDockerAsync(node, "logs", $"{Prefix}-{node.Host}");
            Assert.Contains($"Cluster TLS: this host is CN={node.NodeName} ", logs + errors);
        }

        // The kubelet's probes, as the manifest states them, at each node's address (hostNetwork:
        // the pod's IP is the node's); the page's data wants the token of the Secret.
        var container = daemonSet["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject();
        var token = manifests.SecretValue("grand-ambassador-http", "token");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var node in LabNode.All)
        {
            foreach (var probe in new[] { "startupProbe", "livenessProbe", "readinessProbe" })
            {
                var url = ProbeUrl(container, probe, node);
                var answer = await Eventually.GetAsync(
                    async () =>
                    {
                        using var response = await http.GetAsync(url);
                        return response.StatusCode == HttpStatusCode.OK
                            ? await response.Content.ReadAsStringAsync()
                            : throw new InvalidOperationException($"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    },
                    TimeSpan.FromMinutes(1),
                    $"{probe} of {node.NodeName}");
                output.WriteLine($"{node.NodeName} {probe} {url}: 200 {answer.Trim()}");
            }

            var names = new Uri($"http://{node.HostIp}:8787/api/names");
            using (var refused = await http.GetAsync(names))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, names);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var allowed = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        foreach (var node in LabNode.All)
        {
            output.WriteLine($"{node.NodeName}: " + await Lab.DockerAsync(node, "stats", "--no-stream", "--format", "{{.Name}} {{.MemUsage}} {{.CPUPerc}}", $"{Prefix}-{node.Host}"));
        }
    }

    /// <summary>
    /// The Secret's files, made as k8s/README.md says: <c>tls ca</c>, then <c>tls cert</c> per node
    /// (its name and address) into one directory, by the image under test on the lab's host a.
    /// </summary>
    private async Task<string> MakeTlsSecretAsync()
    {
        var secret = Path.Combine(_tls, "secret");
        var commands = new[] { "ga tls ca --out /tls/ca" }.Concat(
            LabNode.All.Select(node => $"ga tls cert --ca /tls/ca --host-id {node.NodeName} --ip {node.HostIp} --out /tls/secret"));
        await Lab.DockerAsync(_redisNode, "run", "--rm", "-v", $"{_tls}:/tls", "--entrypoint", "sh", "grand-ambassador:latest",
            "-c", "set -e; ga() { /usr/share/dotnet/dotnet /app/grand-ambassador.dll \"$@\"; }; " + string.Join("; ", commands));

        output.WriteLine($"secret grand-ambassador-tls: {string.Join(' ', Directory.GetFiles(secret).Select(Path.GetFileName).Order(StringComparer.Ordinal))}");
        return secret;
    }

    /// <summary>Where the kubelet sends an httpGet probe of this pod on <paramref name="node"/>: the pod's IP, the named port resolved.</summary>
    private static Uri ProbeUrl(JsonObject container, string probe, LabNode node)
    {
        var get = container[probe]?["httpGet"] ?? throw new InvalidOperationException($"the DaemonSet's container has no {probe}.httpGet");
        var port = get["port"]!.GetValueKind() == System.Text.Json.JsonValueKind.Number
            ? (int)get["port"]!
            : (int)container["ports"]!.AsArray().Single(p => (string?)p!["name"] == (string?)get["port"])!["containerPort"]!;
        return new Uri($"{((string?)get["scheme"] ?? "HTTP").ToLowerInvariant()}://{node.HostIp}:{port}{(string)get["path"]!}");
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
