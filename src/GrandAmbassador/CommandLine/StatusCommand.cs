using System.CommandLine;
using GrandAmbassador.Configuration;
using GrandAmbassador.Status;

namespace GrandAmbassador.CommandLine;

/// <summary>
/// <c>grand-ambassador status</c>: an Orleans client that prints, for each name, its endpoints: host,
/// container, address per port, health, since when, and which hosts can reach it.
/// </summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var client = new ClientOptionSet();
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text." };
        var command = new Command("status", "Print every name the cluster knows, with its containers, addresses, health and reach.");
        client.AddTo(command);
        command.Options.Add(json);

        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var settings = client.Read(parse);
                var status = await ClusterClientRunner.RunAsync(settings, TimeSpan.Zero, StatusReader.ReadAsync, cancellationToken).ConfigureAwait(false);
                await Console.Out.WriteAsync(parse.GetValue(json) ? StatusPrinter.ToJson(status) + Environment.NewLine : StatusPrinter.ToText(status)).ConfigureAwait(false);
                return 0;
            }
            catch (InvalidSettingException exception)
            {
                await Console.Error.WriteLineAsync($"grand-ambassador: error: {exception.Message}").ConfigureAwait(false);
                return AmbassadorCommandLine.BadInput;
            }
        });
        return command;
    }
}
