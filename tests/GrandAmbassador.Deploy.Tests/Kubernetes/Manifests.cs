using System.Text.Json.Nodes;
using GrandAmbassador.Testing;

namespace GrandAmbassador.Deploy.Tests.Kubernetes;

/// <summary>
/// The objects k8s/kustomization.yaml lists, parsed by the same YAML library the validator uses
/// (k8s/node_modules, installed by tests/lab/setup.sh), as JSON.
/// </summary>
internal sealed class Manifests(JsonArray objects)
{
    public static string Directory => Path.Combine(Repository.Root, "k8s");

    public static async Task<Manifests> LoadAsync()
    {
        var script = Path.Combine(Repository.Root, "tests", "GrandAmbassador.Deploy.Tests", "Kubernetes", "manifests-to-json.cjs");
        var (exitCode, output, error) = await Tool.RunAsync(
            "node", [script, Directory], new Dictionary<string, string> { ["NODE_PATH"] = Path.Combine(Directory, "node_modules") });
        Assert.True(exitCode == 0, $"reading the manifests failed: {error}");
        return new Manifests(JsonNode.Parse(output)!.AsArray());
    }

    public JsonObject Find(string kind, string name) =>
        objects.OfType<JsonObject>().SingleOrDefault(o => (string?)o["kind"] == kind && (string?)o["metadata"]?["name"] == name)
        ?? throw new InvalidOperationException($"no {kind} {name} in k8s/");

    /// <summary>A Secret's value, from stringData or (base64) data, as the API server stores it.</summary>
    public string SecretValue(string name, string key)
    {
        var secret = Find("Secret", name);
        if (secret["stringData"]?[key] is { } plain)
        {
            return (string)plain!;
        }

        var encoded = (string?)secret["data"]?[key] ?? throw new InvalidOperationException($"Secret {name} has no key {key}");
        return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
    }

    public string ConfigMapValue(string name, string key) =>
        (string?)Find("ConfigMap", name)["data"]?[key] ?? throw new InvalidOperationException($"ConfigMap {name} has no key {key}");

    public IEnumerable<KeyValuePair<string, string>> ConfigMapData(string name) =>
        (Find("ConfigMap", name)["data"]?.AsObject() ?? []).Select(p => KeyValuePair.Create(p.Key, (string)p.Value!));
}
