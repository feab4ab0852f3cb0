using System.Diagnostics;
using GrandAmbassador.Testing;

namespace GrandAmbassador.Deploy.Tests.Compose;

/// <summary>compose/demo.sh, as a user runs it, and what it leaves on the machine's engine.</summary>
internal static class ComposeDemo
{
    public const string Project = "ga-demo";

    private static string Script => Path.Combine(Repository.Root, "compose", "demo.sh");

    /// <summary>
    /// The publish tests/run.sh made (or an earlier demo's), so that the demo packs the build under
    /// test instead of publishing again; without one, demo.sh publishes itself.
    /// </summary>
    private static Dictionary<string, string> Environment()
    {
        var publish = new[] { "publish", "demo-publish" }
            .Select(d => Path.Combine(Repository.Root, "artifacts", d))
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "grand-ambassador.dll")));
        var environment = publish is null ? [] : new Dictionary<string, string> { ["GA_DEMO_PUBLISH"] = publish };
        environment["GA_DEMO_COMPOSE"] = ComposeV2;
        return environment;
    }

    /// <summary>
    /// Compose v2 (what users type as <c>docker compose</c>): the sid root's docker-compose 2.x,
    /// which tests/lab/engines/engines.sh up records; Debian 12's own is 1.29, end of life.
    /// </summary>
    public static string ComposeV2 { get; } = FindComposeV2();

    private static string FindComposeV2()
    {
        const string Recorded = "/run/ga-eng/compose-v2";
        var path = File.Exists(Recorded) ? File.ReadAllText(Recorded).Trim() : "";
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"Compose v2 not found ({Recorded}): run tests/lab/engines/engines.sh up (tests/run.sh does)");
    }

    public static Task<(int ExitCode, string Output, string Error)> RunAsync(string command, TimeSpan guard) =>
        Tool.RunAsync("bash", [Script, command], Environment(), guard);

    /// <summary>Starts <c>demo.sh up</c> without waiting for it (to kill it half-way).</summary>
    public static Process StartUp() => Tool.Start("bash", [Script, "up"], Environment());

    /// <summary>Containers, networks and volumes of the demo's Compose project on the machine's engine.</summary>
    public static async Task<string[]> LeftoversAsync()
    {
        var label = $"label=com.docker.compose.project={Project}";
        var found = new List<string>();
        foreach (var (kind, list) in new[] { ("container", new[] { "ps", "-a" }), ("network", new[] { "network", "ls" }), ("volume", new[] { "volume", "ls" }) })
        {
            var byLabel = await DockerCli.RunAsync([.. list, "-q", "--filter", label]);
            var byName = await DockerCli.RunAsync([.. list, "-q", "--filter", $"name={Project}"]);
            found.AddRange((byLabel + "\n" + byName).Split('\n', StringSplitOptions.RemoveEmptyEntries).Distinct().Select(id => $"{kind} {id}"));
        }

        return [.. found];
    }
}
