namespace GrandAmbassador.Deploy.Tests.Kubernetes;

/// <summary>
/// The manifests as a cluster would receive them. No Kubernetes can run here: they are checked
/// against the upstream Kubernetes API schemas (npm kubernetes-models, pinned in k8s/package-lock.json).
/// </summary>
public sealed class ManifestTests
{
    [Fact]
    public async Task EveryManifest_IsValidAgainstTheKubernetesApiSchemas()
    {
        var (exitCode, output, error) = await Tool.RunAsync("node", [Path.Combine(Manifests.Directory, "validate.mjs")]);

        Assert.True(exitCode == 0, $"k8s/validate.mjs: {output}{error}");
        foreach (var expected in new[]
        {
            "ok namespace.yaml: Namespace grand-ambassador",
            "ok redis-secret.yaml: Secret redis",
            "ok http-token-secret.yaml: Secret grand-ambassador-http",
            "ok redis.yaml: Deployment redis",
            "ok redis.yaml: Service redis",
            "ok fronted-names.yaml: ConfigMap fronted-names",
            "ok grand-ambassador.yaml: DaemonSet grand-ambassador",
            "ok grand-ambassador.yaml: Service grand-ambassador-http",
        })
        {
            Assert.Contains(expected, output.Split('\n'));
        }
    }

    [Fact]
    public async Task ComposeAndKubernetesFiles_AreYamllintClean()
    {
        var (exitCode, output, error) = await Tool.RunAsync("yamllint", ["-s", "-c", ".yamllint.yaml", "compose", "k8s"]);

        Assert.True(exitCode == 0, $"yamllint -s compose k8s: {output}{error}");
    }

    [Fact]
    public async Task DaemonSet_CarriesOrleansLabels_AndStopsLaterThanTheDrain()
    {
        var manifests = await Manifests.LoadAsync();
        var daemonSet = manifests.Find("DaemonSet", "grand-ambassador");
        var labels = daemonSet["spec"]!["template"]!["metadata"]!["labels"]!;
        var environment = daemonSet["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray();
        string Variable(string name) => environment.Single(e => (string?)e!["name"] == name)!["value"]!.GetValue<string>();
        var clusterId = Variable("GRAND_AMBASSADOR_CLUSTER_ID");
        var drain = int.Parse(Variable("GRAND_AMBASSADOR_DRAIN"), System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(clusterId, (string?)labels["orleans/clusterId"]);
        Assert.Equal("grand-ambassador", (string?)labels["orleans/serviceId"]);
        Assert.True((int)daemonSet["spec"]!["template"]!["spec"]!["terminationGracePeriodSeconds"]! > drain, $"the pod must outlive its {drain} s drain");
    }
}
