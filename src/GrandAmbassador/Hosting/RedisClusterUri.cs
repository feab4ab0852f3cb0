using StackExchange.Redis;

namespace GrandAmbassador.Hosting;

/// <summary>Reads <c>redis://[:PASSWORD@]HOST:PORT[/DB]</c> into StackExchange.Redis options.</summary>
internal static class RedisClusterUri
{
    public static ConfigurationOptions ToConfigurationOptions(Uri uri)
    {
        var options = new ConfigurationOptions
        {
            // Keep retrying while Redis is down: the cluster serves from what it knows meanwhile.
            AbortOnConnectFail = false,
            ConnectRetry = 3,
        };
        options.EndPoints.Add(uri.Host, uri.Port);
        var password = Uri.UnescapeDataString(uri.UserInfo).TrimStart(':');
        if (password.Length > 0)
        {
            options.Password = password;
        }

        if (int.TryParse(uri.AbsolutePath.Trim('/'), out var database))
        {
            options.DefaultDatabase = database;
        }

        return options;
    }
}
