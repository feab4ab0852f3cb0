using Xunit;

namespace GrandAmbassador.Testing;

/// <summary>
/// Certificates for a test, made the two ways a user makes them: with openssl (RSA and EC keys in
/// the PEM forms openssl writes) and with grand-ambassador's own <c>tls ca</c> / <c>tls cert</c>.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("ga-security-it-").FullName;

    public string PathOf(string name) => Path.Combine(Directory, name);

    /// <summary>An openssl CA: <c>NAME.pem</c> and <c>NAME.key</c>.</summary>
    public async Task OpensslCaAsync(string name) =>
        await OpensslAsync("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", PathOf(name + ".key"), "-out", PathOf(name + ".pem"),
            "-days", "2", "-subj", $"/CN={name}");

    /// <summary>
    /// A host certificate from an openssl CA: <c>HOST.pem</c> and <c>HOST.key</c>, the key RSA in
    /// PKCS#1 ("BEGIN RSA PRIVATE KEY") or EC in SEC1 ("BEGIN EC PRIVATE KEY").
    /// </summary>
    public async Task OpensslHostAsync(string ca, string host, bool ec, string ip = "127.0.0.1")
    {
        var key = PathOf(host + ".key");
        if (ec)
        {
            await OpensslAsync("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key);
        }
        else
        {
            await OpensslAsync("genrsa", "-traditional", "-out", key, "2048");
        }

        var extensions = PathOf(host + ".ext");
        await File.WriteAllTextAsync(extensions, $"extendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=IP:{ip},DNS:{host}\n");
        await OpensslAsync("req", "-new", "-key", key, "-out", PathOf(host + ".csr"), "-subj", $"/CN={host}");
        await OpensslAsync("x509", "-req", "-in", PathOf(host + ".csr"), "-CA", PathOf(ca + ".pem"), "-CAkey", PathOf(ca + ".key"),
            "-CAcreateserial", "-out", PathOf(host + ".pem"), "-days", "2", "-extfile", extensions);
    }

    /// <summary><c>tls ca --out DIR</c>, then <c>tls cert</c> for each host: DIR/HOST/HOST.pem, HOST-key.pem, ca.pem.</summary>
    public async Task<string> OwnCommandsAsync(string name, params string[] hosts)
    {
        var ca = await OwnCaAsync(name);
        foreach (var host in hosts)
        {
            await OwnHostAsync(ca, host, "127.0.0.1");
        }

        return ca;
    }

    /// <summary><c>tls ca --out DIR</c>: returns DIR.</summary>
    public async Task<string> OwnCaAsync(string name)
    {
        var ca = PathOf(name);
        await RunAsync("tls", "ca", "--out", ca);
        return ca;
    }

    /// <summary><c>tls cert --ca CA --host-id HOST --ip IP --out CA/HOST</c>: CA/HOST/HOST.pem, HOST-key.pem, ca.pem.</summary>
    public Task OwnHostAsync(string ca, string host, string ip) =>
        RunAsync("tls", "cert", "--ca", ca, "--host-id", host, "--ip", ip, "--out", Path.Combine(ca, host));

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    private static async Task RunAsync(params string[] args)
    {
        var (exitCode, output, error) = await ProcessRunner.RunAsync("dotnet", [Repository.AmbassadorDll, .. args], Guard);
        Assert.True(exitCode == 0, $"grand-ambassador {string.Join(' ', args)}: {output}{error}");
    }

    private static async Task OpensslAsync(params string[] args)
    {
        var (exitCode, _, error) = await ProcessRunner.RunAsync("openssl", args, Guard);
        Assert.True(exitCode == 0, $"openssl {string.Join(' ', args)}: {error}");
    }
}
