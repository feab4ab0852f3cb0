using System.Globalization;

namespace GrandAmbassador.Bench.Scale.Hosts;

/// <summary>
/// Who runs what: host h runs <see cref="ScaleOptions.Containers"/> containers, the first
/// <see cref="ScaleOptions.SharedNames"/> named <c>shared-k</c> (every host has one of each), the rest named after
/// their host (one endpoint each); it fronts every shared name and a few of the other hosts' names, picked by a
/// generator seeded with its index, so that two runs of one size front the same names.
/// </summary>
internal sealed class Layout(ScaleOptions options)
{
    public ScaleOptions Options { get; } = options;

    public static string HostId(int host) => string.Create(CultureInfo.InvariantCulture, $"host-{host:D4}");

    /// <summary>The address other hosts reach host <paramref name="host"/>'s published ports at.</summary>
    public static string Advertise(int host) => string.Create(CultureInfo.InvariantCulture, $"10.200.{host / 250}.{(host % 250) + 1}");

    public string ContainerName(int host, int index) =>
        index < Options.SharedNames
            ? SharedName(index)
            : string.Create(CultureInfo.InvariantCulture, $"h{host:D4}-app-{index:D3}");

    public static string SharedName(int index) => string.Create(CultureInfo.InvariantCulture, $"shared-{index}");

    /// <summary>The names host <paramref name="host"/> fronts: every shared one, then random others (none twice).</summary>
    public IReadOnlyList<string> Fronted(int host)
    {
        var random = new Random(host);
        var names = new List<string>();
        names.AddRange(Enumerable.Range(0, Options.SharedNames).Select(SharedName));
        var wanted = names.Count + Options.RandomNamesPerHost;
        var attempts = 0;
        while (names.Count < wanted && attempts++ < 10_000)
        {
            var name = ContainerName(random.Next(Options.Hosts), random.Next(Options.SharedNames, Options.Containers));
            if (!names.Contains(name, StringComparer.Ordinal))
            {
                names.Add(name);
            }
        }

        return names;
    }

    /// <summary>How many running containers answer to <paramref name="name"/> across the cluster.</summary>
    public int Endpoints(string name) => name.StartsWith("shared-", StringComparison.Ordinal) ? Options.Hosts : 1;
}
