using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace GrandAmbassador.Deploy.Tests.Kubernetes;

/// <summary>
/// Turns a pod template's first container into the <c>docker run</c> a kubelet with the Docker
/// runtime amounts to on the given node: image, command and args, env (values with their
/// <c>$(VAR)</c> references expanded, fieldRefs resolved to the node's values, secretKeyRef and
/// configMap values from the manifests), envFrom, hostNetwork, hostPath mounts, memory and CPU
/// limits, the grace period, the restart policy. What the lab cannot stand for comes in as arguments:
/// cluster DNS as <c>hosts</c> (name → address lines for /etc/hosts), and Secrets that are not in
/// the manifests (made by the user with <c>kubectl create secret</c>) as <c>secretDirectories</c>
/// (secret name → a directory of this machine holding one file per key, mounted read-only as the
/// kubelet mounts a secret volume).
/// </summary>
internal static partial class PodContainerRun
{
    public static string[] Arguments(
        JsonObject workload,
        Manifests manifests,
        LabNode node,
        string containerName,
        IReadOnlyDictionary<string, string> hosts,
        string[]? publish = null,
        IReadOnlyDictionary<string, string>? secretDirectories = null)
    {
        var pod = workload["spec"]!["template"]!["spec"]!.AsObject();
        var container = pod["containers"]![0]!.AsObject();
        var args = new List<string> { "run", "-d", "--name", containerName };

        // A DaemonSet's or Deployment's pods restart always (a silo the cluster declared dead stops
        // itself, and the kubelet brings it back as a new member).
        args.AddRange(["--restart", ((string?)pod["restartPolicy"] ?? "Always") switch
        {
            "Always" => "always",
            "OnFailure" => "on-failure",
            _ => "no",
        }]);

        if ((bool?)pod["hostNetwork"] == true)
        {
            args.AddRange(["--network", "host"]);
        }

        foreach (var port in publish ?? [])
        {
            args.AddRange(["-p", port]);
        }

        foreach (var (name, address) in hosts)
        {
            args.AddRange(["--add-host", $"{name}:{address}"]);
        }

        foreach (var (name, value) in Environment(container, manifests, workload, node))
        {
            args.AddRange(["-e", $"{name}={value}"]);
        }

        foreach (var mount in container["volumeMounts"]?.AsArray() ?? [])
        {
            var volume = pod["volumes"]!.AsArray().Single(v => (string?)v!["name"] == (string?)mount!["name"])!;
            var source = volume switch
            {
                _ when (string?)volume["hostPath"]?["path"] is { } hostPath => node.HostPath(hostPath),
                _ when (string?)volume["secret"]?["secretName"] is { } secret => secretDirectories?.GetValueOrDefault(secret)
                    ?? throw new InvalidOperationException($"volume {volume["name"]}: no directory given for the Secret {secret}"),
                _ => throw new NotSupportedException($"volume {volume["name"]}: only hostPath and secret"),
            };
            var readOnly = (bool?)mount!["readOnly"] == true || volume["secret"] is not null;
            args.AddRange(["-v", $"{source}:{mount["mountPath"]}{(readOnly ? ":ro" : "")}"]);
        }

        if (container["resources"]?["limits"] is JsonObject limits)
        {
            if ((string?)limits["memory"] is { } memory)
            {
                args.AddRange(["--memory", $"{Quantity(memory)}b"]);
            }

            if ((string?)limits["cpu"] is { } cpu)
            {
                args.AddRange(["--cpus", Cpus(cpu)]);
            }
        }

        if (pod["terminationGracePeriodSeconds"] is { } grace)
        {
            args.AddRange(["--stop-timeout", $"{(int)grace}"]);
        }

        // Kubernetes' command replaces the image's entrypoint, its args the image's CMD.
        var command = container["command"]?.AsArray().Select(c => (string)c!).ToArray() ?? [];
        if (command.Length > 0)
        {
            args.AddRange(["--entrypoint", command[0]]);
        }

        args.Add((string)container["image"]!);
        args.AddRange(command.Skip(1));
        args.AddRange(container["args"]?.AsArray().Select(a => (string)a!) ?? []);
        return [.. args];
    }

    /// <summary>envFrom first, then env in order; <c>$(NAME)</c> expands to a variable defined before it.</summary>
    public static List<KeyValuePair<string, string>> Environment(JsonObject container, Manifests manifests, JsonObject workload, LabNode node)
    {
        var values = new Dictionary<string, string>();
        var ordered = new List<KeyValuePair<string, string>>();
        void Set(string name, string value)
        {
            values[name] = value;
            ordered.RemoveAll(p => p.Key == name);
            ordered.Add(KeyValuePair.Create(name, value));
        }

        foreach (var source in container["envFrom"]?.AsArray() ?? [])
        {
            var configMap = (string?)source!["configMapRef"]?["name"] ?? throw new NotSupportedException("envFrom: only configMapRef");
            foreach (var (name, value) in manifests.ConfigMapData(configMap))
            {
                Set(name, value);
            }
        }

        foreach (var variable in container["env"]?.AsArray() ?? [])
        {
            var name = (string)variable!["name"]!;
            if (variable["value"] is { } literal)
            {
                Set(name, Reference().Replace((string)literal!, m => values.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value));
                continue;
            }

            var from = variable["valueFrom"]!;
            Set(name, from switch
            {
                _ when from["fieldRef"] is { } field => Field((string)field["fieldPath"]!, workload, node),
                _ when from["secretKeyRef"] is { } secret => manifests.SecretValue((string)secret["name"]!, (string)secret["key"]!),
                _ when from["configMapKeyRef"] is { } map => manifests.ConfigMapValue((string)map["name"]!, (string)map["key"]!),
                _ => throw new NotSupportedException($"env {name}: {from.ToJsonString()}"),
            });
        }

        return ordered;
    }

    private static string Field(string path, JsonObject workload, LabNode node) => path switch
    {
        "spec.nodeName" => node.NodeName,
        "status.hostIP" => node.HostIp,
        "status.podIP" when (bool?)workload["spec"]!["template"]!["spec"]!["hostNetwork"] == true => node.HostIp,
        "metadata.namespace" => (string)workload["metadata"]!["namespace"]!,
        "metadata.name" => $"{workload["metadata"]!["name"]}-{node.Host}",
        _ => throw new NotSupportedException($"fieldRef {path}"),
    };

    /// <summary>A memory quantity ("256Mi", "1G", "128974848") in bytes.</summary>
    private static long Quantity(string text)
    {
        var match = Regex.Match(text, "^([0-9]+)(Ki|Mi|Gi|k|M|G)?$");
        Assert.True(match.Success, $"quantity {text}");
        var factor = match.Groups[2].Value switch
        {
            "Ki" => 1L << 10, "Mi" => 1L << 20, "Gi" => 1L << 30, "k" => 1_000L, "M" => 1_000_000L, "G" => 1_000_000_000L, _ => 1L,
        };
        return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) * factor;
    }

    /// <summary>A CPU quantity ("500m", "1") as docker's --cpus.</summary>
    private static string Cpus(string text) => text.EndsWith('m')
        ? (double.Parse(text[..^1], CultureInfo.InvariantCulture) / 1000).ToString(CultureInfo.InvariantCulture)
        : text;

    [GeneratedRegex(@"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex Reference();
}
