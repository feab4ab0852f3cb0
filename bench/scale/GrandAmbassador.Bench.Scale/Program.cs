using GrandAmbassador.Bench.Scale;
using GrandAmbassador.Bench.Scale.Cluster;
using GrandAmbassador.Bench.Scale.Report;
using GrandAmbassador.Bench.Scale.Scenario;

// The control plane at scale (issue 20): bench/scale/run.sh --hosts 200 --containers 50 --followers 2000 --seconds 60
ScaleOptions options;
try
{
    options = ScaleOptions.Parse(args);
}
catch (Exception exception) when (exception is ArgumentException or FormatException or OverflowException)
{
    await Console.Error.WriteLineAsync($"scale: {exception.Message}").ConfigureAwait(false);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

var log = new WarningLog();
var figures = new Figures();
figures.Detail("options", options);
var sim = new Simulation(options, log);
await using (sim.ConfigureAwait(false))
{
    await sim.StartAsync(stop.Token).ConfigureAwait(false);
    var atRest = await AtRestPhase.RunAsync(sim, figures, stop.Token).ConfigureAwait(false);
    await RestartPhase.RunAsync(sim, figures, stop.Token).ConfigureAwait(false);
    if (options.KillSilo)
    {
        await SiloKillPhase.RunAsync(sim, figures, atRest, stop.Token).ConfigureAwait(false);
    }

    figures.Add("warnings and errors logged", log.Warnings, "lines", "by every component (stderr shows the first 40)");
}

var title = $"figure ({options.Hosts} hosts x {options.Containers} containers, {options.Hosts * (options.SharedNames + options.RandomNamesPerHost)} followers, {options.Silos} silos)";
Console.WriteLine();
Console.WriteLine(figures.Markdown(title));
await figures.SaveAsync(options.Json, stop.Token).ConfigureAwait(false);
Console.WriteLine($"saved {options.Json}");
return 0;
