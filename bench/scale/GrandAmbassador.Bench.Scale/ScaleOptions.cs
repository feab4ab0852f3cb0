using System.Globalization;

namespace GrandAmbassador.Bench.Scale;

/// <summary>The size of the simulated cluster and how long each phase is measured; the command line's options.</summary>
internal sealed record ScaleOptions
{
    /// <summary>Simulated hosts: each runs an agent over its own fake engine and an ambassador.</summary>
    public int Hosts { get; init; } = 200;

    /// <summary>Containers per host; <see cref="SharedNames"/> of them answer to names every host has.</summary>
    public int Containers { get; init; } = 50;

    /// <summary>Names every host runs a container of (and every host fronts).</summary>
    public int SharedNames { get; init; } = 5;

    /// <summary>Followers in all; each host fronts the shared names and (followers / hosts − shared) random ones.</summary>
    public int Followers { get; init; } = 2000;

    /// <summary>Silos of the in-process cluster; hosts are spread over them (a real host is a silo of its own).</summary>
    public int Silos { get; init; } = 4;

    /// <summary>How long the at-rest window lasts.</summary>
    public int Seconds { get; init; } = 60;

    /// <summary>Whether to kill a silo at the end and count the refill.</summary>
    public bool KillSilo { get; init; } = true;

    /// <summary>Where the figures are written as JSON.</summary>
    public string Json { get; init; } = "bench/scale/out/figures.json";

    /// <summary>Random names per host.</summary>
    public int RandomNamesPerHost => Math.Max(0, (Followers / Hosts) - SharedNames);

    public static ScaleOptions Parse(IReadOnlyList<string> args)
    {
        var options = new ScaleOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Number() => int.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--hosts" => options with { Hosts = Number() },
                "--containers" => options with { Containers = Number() },
                "--shared" => options with { SharedNames = Number() },
                "--followers" => options with { Followers = Number() },
                "--silos" => options with { Silos = Number() },
                "--seconds" => options with { Seconds = Number() },
                "--no-kill" => options with { KillSilo = false },
                "--json" => options with { Json = Value() },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }

        if (options.Hosts < 1 || options.Containers <= options.SharedNames || options.Silos < 2 || options.Seconds < 1 || options.Hosts > 60_000)
        {
            throw new ArgumentException("need --hosts >= 1, --containers > --shared, --silos >= 2, --seconds >= 1");
        }

        return options;
    }
}
