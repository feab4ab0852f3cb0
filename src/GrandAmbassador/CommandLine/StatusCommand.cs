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
        var all = new Option<bool>("--all") { Description = "Also list the names no ambassador fronts (every container the agents see)." };
        var only = new Argument<string?>("NAME") { Description = "Only this name.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("status", "Print the names ambassadors front, with their containers, addresses, health and reach.");
        client.AddTo(command);
        command.Options.Add(json);
        command.Options.Add(all);
        command.Arguments.Add(only);

        command.SetAction((parse, cancellationToken) => ClusterClientRunner.ExitCodeAsync(async () =>
        {
            var settings = client.Read(parse);
            var name = parse.GetValue(only) is { } given ? NameValidator.Validate(given) : null;
            var status = await ClusterClientRunner.RunAsync(
                settings,
                TimeSpan.Zero,
                (grains, ct) => StatusReader.ReadAsync(grains, ct, singleHost: settings.Cluster is null, name),
                cancellationToken).ConfigureAwait(false);
            status = name is null ? status.FrontedFirst(parse.GetValue(all)) : status;
            await Console.Out.WriteAsync(parse.GetValue(json) ? StatusPrinter.ToJson(status) + Environment.NewLine : StatusPrinter.ToText(status)).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }
}
