using System.CommandLine;
using System.CommandLine.Parsing;
using System.Net;
using System.Text.RegularExpressions;
using GrandAmbassador.Configuration;
using GrandAmbassador.Security;

namespace GrandAmbassador.CommandLine;

/// <summary>
/// <c>grand-ambassador tls ca</c> and <c>tls cert</c>: a cluster CA and host certificates without
/// openssl, as <c>consul tls</c> does.
/// </summary>
internal static partial class TlsCommand
{
    public static Command Create()
    {
        var command = new Command("tls", "Make the certificates of a TLS cluster: a CA, then one certificate per host.");
        command.Subcommands.Add(CreateCa());
        command.Subcommands.Add(CreateCert());
        return command;
    }

    private static Command CreateCa()
    {
        var output = new Option<string>("--out") { HelpName = "DIR", Description = "Where to write ca.pem and ca-key.pem (keep ca-key.pem off the hosts).", Required = true };
        var name = new Option<string>("--name") { HelpName = "CN", Description = "The CA's common name.", DefaultValueFactory = _ => "grand-ambassador cluster CA" };
        var command = new Command("ca", "Make a cluster CA (EC P-256, 10 years).") { output, name };
        command.SetAction((parse, _) => RunAsync(() =>
        {
            var directory = parse.GetValue(output)!;
            using var authority = CertificateIssuer.CreateAuthority(parse.GetValue(name)!, DateTimeOffset.UtcNow);
            TlsFiles.Write(directory, TlsFiles.CaCertificate, TlsFiles.CaKey, authority);
            return $"wrote {Path.Combine(directory, TlsFiles.CaCertificate)} and {Path.Combine(directory, TlsFiles.CaKey)} (key: owner only)";
        }));
        return command;
    }

    private static Command CreateCert()
    {
        var ca = new Option<string>("--ca") { HelpName = "DIR", Description = "The directory 'tls ca' wrote.", Required = true };
        var hostId = new Option<string>("--host-id")
        {
            HelpName = "ID", Description = "The host's --host-id: the certificate's common name.", Required = true,
            CustomParser = result => HostIdPattern().IsMatch(result.Tokens[0].Value)
                ? result.Tokens[0].Value
                : Refuse<string>(result, $"--host-id {result.Tokens[0].Value}: letters, digits, '.', '_' and '-' only (it names the files)"),
        };
        var ips = new Option<IPAddress[]>("--ip")
        {
            HelpName = "ADDR", Description = "An address of the host, put in the certificate (repeatable).", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false,
            CustomParser = result => [.. result.Tokens.Select(token => IPAddress.TryParse(token.Value, out var address)
                ? address
                : Refuse<IPAddress>(result, $"--ip {token.Value}: not an IP address"))],
        };
        var dns = new Option<string[]>("--dns") { HelpName = "NAME", Description = "A DNS name of the host, put in the certificate (repeatable).", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false };
        var output = new Option<string>("--out") { HelpName = "DIR", Description = "Where to write ID.pem, ID-key.pem and a copy of ca.pem.", Required = true };
        var command = new Command("cert", "Issue a host certificate (EC P-256, client and server authentication, 825 days).") { ca, hostId, ips, dns, output };
        command.SetAction((parse, _) => RunAsync(() =>
        {
            var id = parse.GetValue(hostId)!;
            var addresses = parse.GetValue(ips) ?? [];
            var directory = parse.GetValue(output)!;
            var caDirectory = parse.GetValue(ca)!;
            using var authority = TlsFiles.ReadAuthority(caDirectory);
            using var certificate = CertificateIssuer.CreateHost(authority, id, addresses, parse.GetValue(dns) ?? [], DateTimeOffset.UtcNow);
            TlsFiles.Write(directory, TlsFiles.HostCertificate(id), TlsFiles.HostKey(id), certificate, Path.Combine(caDirectory, TlsFiles.CaCertificate));
            return $"wrote {Path.Combine(directory, TlsFiles.HostCertificate(id))}, {Path.Combine(directory, TlsFiles.HostKey(id))} (owner only) and {Path.Combine(directory, TlsFiles.CaCertificate)}";
        }));
        return command;
    }

    private static async Task<int> RunAsync(Func<string> action)
    {
        try
        {
            await Console.Out.WriteLineAsync(action()).ConfigureAwait(false);
            return 0;
        }
        catch (InvalidSettingException exception)
        {
            await Console.Error.WriteLineAsync($"grand-ambassador: error: {exception.Message}").ConfigureAwait(false);
            return AmbassadorCommandLine.BadInput;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"grand-ambassador: error: {exception.Message.Split('\n')[0]}").ConfigureAwait(false);
            return AmbassadorCommandLine.BadInput;
        }
    }

    /// <summary>A bad value is a parse error (one line, exit 2, as the main command's); the value returned is never read.</summary>
    private static T Refuse<T>(ArgumentResult result, string message)
    {
        result.AddError(message);
        return default!;
    }

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex HostIdPattern();
}
