using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using GrandAmbassador.Configuration;
using StackExchange.Redis;

namespace GrandAmbassador.Security;

/// <summary>
/// Reads <c>redis[s]://[[USER]:PASSWORD@]HOST:PORT[/DB]</c> into StackExchange.Redis options. The
/// password never leaves this type: what is shown anywhere is <see cref="Display"/> or <see cref="Redact"/>.
/// </summary>
internal static partial class RedisClusterUri
{
    public const string Form = "redis[s]://[[USER]:PASSWORD@]HOST:PORT[/DB]";

    public static Uri Parse(string text, string source) =>
        Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "redis" or "rediss" && uri.Port > 0 && uri.Host.Length > 0
            ? uri
            : throw new InvalidSettingException($"{source}: expected {Form}");

    /// <summary>Scheme, host and port: what log lines and errors say about the cluster's Redis.</summary>
    public static string Display(Uri uri) => $"{uri.Scheme}://{uri.Host}:{uri.Port}";

    /// <summary>Any text that may hold a URL with credentials, with them replaced by <c>***</c>.</summary>
    public static string Redact(string text) => Credentials().Replace(text, "//***@");

    public static ConfigurationOptions ToConfigurationOptions(Uri uri, string? caFile = null)
    {
        var options = new ConfigurationOptions
        {
            // Keep retrying while Redis is down: the cluster serves from what it knows meanwhile.
            AbortOnConnectFail = false,
            ConnectRetry = 3,
        };
        // An IPv6 host is bracketed in the URL ([fd00::1]); StackExchange.Redis wants the address itself.
        if (uri.HostNameType is UriHostNameType.IPv6 or UriHostNameType.IPv4 && System.Net.IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address))
        {
            options.EndPoints.Add(new System.Net.IPEndPoint(address, uri.Port));
        }
        else
        {
            options.EndPoints.Add(uri.Host, uri.Port);
        }
        var (user, password) = SplitUserInfo(uri.UserInfo);
        if (user.Length > 0)
        {
            options.User = user;
        }

        if (password.Length > 0)
        {
            options.Password = password;
        }

        if (int.TryParse(uri.AbsolutePath.Trim('/'), out var database))
        {
            options.DefaultDatabase = database;
        }

        if (uri.Scheme == "rediss")
        {
            options.Ssl = true;
            options.SslHost = uri.Host.Trim('[', ']');
            if (caFile is not null)
            {
                var authorities = PemAuthorities.Load(caFile, "--redis-ca");
                options.CertificateValidation += (_, certificate, chain, errors) =>
                    certificate is not null
                    && (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None
                    && CaChainValidator.Check(certificate as X509Certificate2 ?? new X509Certificate2(certificate), chain, authorities) is null;
            }
        }
        else if (caFile is not null)
        {
            throw new InvalidSettingException($"--redis-ca {caFile}: only for a rediss:// URL");
        }

        return options;
    }

    /// <summary><c>USER:PASSWORD</c> (an ACL user), <c>:PASSWORD</c> or <c>PASSWORD</c> (the default user).</summary>
    internal static (string User, string Password) SplitUserInfo(string userInfo)
    {
        var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
        return colon < 0
            ? (string.Empty, Uri.UnescapeDataString(userInfo))
            : (Uri.UnescapeDataString(userInfo[..colon]), Uri.UnescapeDataString(userInfo[(colon + 1)..]));
    }

    [GeneratedRegex("//[^/@\\s]*@")]
    private static partial Regex Credentials();
}
