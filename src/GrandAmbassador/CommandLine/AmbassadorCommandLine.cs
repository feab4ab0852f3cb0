using System.CommandLine;
using GrandAmbassador.Hosting;
using GrandAmbassador.Security;
using Microsoft.Extensions.Hosting;

namespace GrandAmbassador.CommandLine;

/// <summary>The command line: parse, validate, run; bad input is one line on stderr and exit code 2.</summary>
internal static class AmbassadorCommandLine
{
    public const int BadInput = 2;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new AmbassadorOptionSet();
        var root = CreateRoot(options, (parse, cancellationToken) => RunAmbassadorAsync(parse, options, cancellationToken));

        var parse = root.Parse(OriginalSpelling.Normalize(args));
        if (parse.Errors.Count > 0)
        {
            await Console.Error.WriteLineAsync($"grand-ambassador: error: {parse.Errors[0].Message} (see --help)").ConfigureAwait(false);
            return BadInput;
        }

        return await parse.InvokeAsync().ConfigureAwait(false);
    }

    /// <summary>Parses and validates without running: what tests use to start a host in-process.</summary>
    public static AmbassadorSettings ParseSettings(params string[] args)
    {
        var options = new AmbassadorOptionSet();
        var parse = CreateRoot(options, (_, _) => Task.FromResult(0)).Parse(OriginalSpelling.Normalize(args));
        return parse.Errors.Count > 0
            ? throw new StartupException(parse.Errors[0].Message)
            : SettingsReader.Read(parse, options);
    }

    private static RootCommand CreateRoot(AmbassadorOptionSet options, Func<ParseResult, CancellationToken, Task<int>> run)
    {
        var root = new RootCommand(
            "grand-ambassador: a proxy that fronts Docker containers by name. It listens on every port the " +
            "container exposes and forwards each connection to wherever the container is now: it waits for the " +
            "container to be created, and follows it across restarts, removal and re-creation, on this host or, " +
            "with --cluster, on any host of the cluster.");
        foreach (var option in options.All)
        {
            root.Options.Add(option);
        }

        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(TlsCommand.Create());
        root.SetAction(run);
        return root;
    }

    private static async Task<int> RunAmbassadorAsync(ParseResult parse, AmbassadorOptionSet options, CancellationToken cancellationToken)
    {
        try
        {
            var settings = SettingsReader.Read(parse, options);
            if (settings.Cluster is { } cluster)
            {
                await RedisPreflight.CheckAsync(cluster, settings.Security.RedisCaFile, cancellationToken).ConfigureAwait(false);
            }

            using var host = AmbassadorHostBuilder.Build(settings);
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            await host.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }
        catch (StartupException exception)
        {
            await Console.Error.WriteLineAsync($"grand-ambassador: error: {exception.Message}").ConfigureAwait(false);
            return BadInput;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
    }
}
