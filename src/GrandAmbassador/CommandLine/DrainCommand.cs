using System.CommandLine;
using System.Globalization;
using GrandAmbassador.Draining;

namespace GrandAmbassador.CommandLine;

/// <summary>
/// <c>grand-ambassador drain CONTAINER</c> and <c>undrain CONTAINER</c>: Orleans clients that have the
/// container's host mark it Stopping (or no longer) cluster-wide. <c>drain</c> returns once every
/// ambassador fronting one of its names confirmed it no longer dials it (exit 0), or after
/// <c>--timeout</c> naming those that did not (exit 1).
/// </summary>
internal static class DrainCommand
{
    public const int NotConfirmed = 1;

    public static Command Create(bool drain)
    {
        var client = new ClientOptionSet();
        var container = new Argument<string>("CONTAINER") { Description = "The container's name, id or unambiguous id prefix, as its host's Docker engine knows it." };
        var host = TypedOption.Create(
            "--host", "ID", "The --host-id of the container's host.", OptionParsers.NonEmpty("--host"), () => Environment.MachineName, "default: this host, as --host-id defaults");
        var timeout = TypedOption.Create(
            "--timeout", "SECONDS", "How long to wait for every fronting ambassador to confirm.", ParseTimeout, () => TimeSpan.FromSeconds(30), null);
        var command = drain
            ? new Command("drain", "Stop sending new connections to a container, everywhere (open ones stay); returns once every ambassador fronting it confirmed.")
            : new Command("undrain", "Send new connections to a drained container again (its next start does too).");
        command.Arguments.Add(container);
        command.Options.Add(host);
        if (drain)
        {
            command.Options.Add(timeout);
        }

        client.AddTo(command);
        command.SetAction((parse, cancellationToken) => ClusterClientRunner.ExitCodeAsync(async () =>
        {
            var settings = client.Read(parse);
            var hostId = parse.GetValue(host)!;
            var target = parse.GetValue(container)!;
            if (!drain)
            {
                var mark = await ClusterClientRunner.RunAsync(settings, TimeSpan.FromSeconds(10), (grains, ct) => DrainWaiter.UndrainAsync(grains, hostId, target, ct), cancellationToken).ConfigureAwait(false);
                return await ReportAsync(mark.Error is null ? $"undrained {Describe(mark)}" : null, mark.Error is null ? null : $"undrain {target}: {mark.Error}").ConfigureAwait(false);
            }

            var wait = parse.GetValue(timeout);
            var result = await ClusterClientRunner.RunAsync(
                settings, wait + TimeSpan.FromSeconds(10), (grains, ct) => DrainWaiter.DrainAsync(grains, hostId, target, wait, TimeProvider.System, ct), cancellationToken).ConfigureAwait(false);
            return await ReportAsync(result.Done ? DrainText.Done(result) : null, result.Done ? null : DrainText.Failed(target, result, wait)).ConfigureAwait(false);
        }));
        return command;
    }

    private static string Describe(Contracts.Endpoints.DrainMark mark) => $"{mark.ContainerName} ({mark.Container})";

    private static async Task<int> ReportAsync(string? output, string? error)
    {
        if (error is not null)
        {
            await Console.Error.WriteLineAsync($"grand-ambassador: error: {error}").ConfigureAwait(false);
            return NotConfirmed;
        }

        await Console.Out.WriteLineAsync(output).ConfigureAwait(false);
        return 0;
    }

    /// <summary>Above 0: a drain that waits for nothing would confirm nothing.</summary>
    private static TimeSpan ParseTimeout(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and <= 3600
            ? TimeSpan.FromSeconds(seconds)
            : throw new StartupException($"--timeout {text}: expected a number of seconds above 0, up to 3600");
}
