using System.CommandLine;
using System.CommandLine.Parsing;
using GrandAmbassador.Hosting;
using System.Runtime.InteropServices;
using GrandAmbassador.Configuration;
using GrandAmbassador.Security;

namespace GrandAmbassador.CommandLine;

/// <summary>The command line: parse, validate, run; bad input is one line on stderr and exit code 2.</summary>
internal static class AmbassadorCommandLine
{
    public const int BadInput = 2;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new MainCommandOptions();
        var root = CreateRoot(options, (parse, cancellationToken) => RunAmbassadorAsync(parse, options, cancellationToken));

        var parse = root.Parse(OriginalSpelling.Normalize(args));
        // --help is help even with a bad value in the environment: SCL drops a parse's errors when it asks for help.
        if (parse.Errors.Count > 0)
        {
            await Console.Error.WriteLineAsync($"grand-ambassador: error: {Describe(parse)}").ConfigureAwait(false);
            return BadInput;
        }

        // No termination handling by System.CommandLine (it would exit 2 s after SIGTERM): the
        // supervisor stops on SIGTERM itself and drains before it returns.
        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }).ConfigureAwait(false);
    }

    /// <summary>Parses and validates without running: what tests use to start a host in-process.</summary>
    public static AmbassadorSettings ParseSettings(params string[] args)
    {
        var options = new MainCommandOptions();
        var parse = CreateRoot(options, (_, _) => Task.FromResult(0)).Parse(OriginalSpelling.Normalize(args));
        return parse.Errors.Count > 0
            ? throw new StartupException(FirstError(parse).Message)
            : SettingsReader.Read(parse, options);
    }

    /// <summary>
    /// The line for a parse that failed: a value's error as its parser said it; the parser's own (an unknown option, a
    /// missing value) with a typo hint and a pointer to the help.
    /// </summary>
    internal static string Describe(ParseResult parse)
    {
        var error = FirstError(parse);
        return TypedOption.IsValueError(error) ? error.Message : $"{error.Message.TrimEnd('.')}{TypoHint.For(parse)} (see --help)";
    }

    /// <summary>
    /// The parser's own errors before a value's: a typo is said first, as when values were only read once the command
    /// line parsed (a value's error for an option misspelt would mislead).
    /// </summary>
    private static ParseError FirstError(ParseResult parse) =>
        parse.Errors.OrderBy(error => TypedOption.IsValueError(error) ? 1 : 0).First();

    private static PosixSignalRegistration StopOn(PosixSignal signal, AmbassadorRuntime runtime) =>
        PosixSignalRegistration.Create(signal, context =>
        {
            // Handled here: the runtime drains and the process exits with the runtime's code.
            context.Cancel = true;
            runtime.RequestStop();
        });

    private static RootCommand CreateRoot(MainCommandOptions options, Func<ParseResult, CancellationToken, Task<int>> run)
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
        root.Subcommands.Add(DrainCommand.Create(drain: true));
        root.Subcommands.Add(DrainCommand.Create(drain: false));
        root.Subcommands.Add(TlsCommand.Create());
        root.SetAction(run);
        return root;
    }

    private static async Task<int> RunAmbassadorAsync(ParseResult parse, MainCommandOptions options, CancellationToken cancellationToken)
    {
        try
        {
            var settings = SettingsReader.Read(parse, options);
            await ClusterStartupChecks.CheckAsync(settings, cancellationToken).ConfigureAwait(false);
            await using var runtime = await AmbassadorRuntime.StartAsync(settings, cancellationToken: cancellationToken).ConfigureAwait(false);
            using var terminate = StopOn(PosixSignal.SIGTERM, runtime);
            using var interrupt = StopOn(PosixSignal.SIGINT, runtime);
            using var quit = StopOn(PosixSignal.SIGQUIT, runtime);
            return await runtime.StopAsync(waitForRequest: true).ConfigureAwait(false);
        }
        catch (InvalidSettingException exception)
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
