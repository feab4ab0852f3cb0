using Docker.DotNet;
using Docker.DotNet.Handler.Abstractions;
using Docker.DotNet.X509;
using Microsoft.Extensions.Options;

namespace GrandAmbassador.Docker.Connection;

/// <summary>Builds a Docker client for the configured endpoint, with TLS the way the docker CLI sets it up.</summary>
internal sealed class DockerClientFactory(IOptions<DockerAgentOptions> options)
{
    private const string DefaultEndpoint = "unix:///var/run/docker.sock";

    /// <summary>The endpoint the agent talks to, after defaults.</summary>
    public Uri Endpoint { get; } = ResolveEndpoint(options.Value.Endpoint);

    /// <summary>
    /// A new client; the caller disposes it. One per session, so a reconnect starts clean.
    /// Without <paramref name="apiVersion"/> it talks on unversioned paths (the engine's own
    /// current version): that is how <c>/version</c> is asked, before the version is known.
    /// </summary>
    public DockerClient Create(Version? apiVersion = null)
    {
        var value = options.Value;
        var builder = new DockerClientBuilder()
            .WithEndpoint(Endpoint)
            .WithTimeout(value.RequestTimeout)
            .WithAuthProvider(CreateAuthProvider(Endpoint, value));
        return (apiVersion is null ? builder : builder.WithApiVersion(apiVersion)).Build();
    }

    /// <summary>Asks the engine what it is and which API version it speaks (the version to talk at).</summary>
    public async Task<EngineVersion> NegotiateAsync(CancellationToken ct)
    {
        using var probe = Create();
        return EngineVersion.From(await probe.System.GetVersionAsync(ct).ConfigureAwait(false));
    }

    internal static Uri ResolveEndpoint(Uri? configured)
    {
        if (configured is not null)
        {
            return configured;
        }

        var fromEnvironment = Environment.GetEnvironmentVariable("DOCKER_HOST");
        return new Uri(string.IsNullOrEmpty(fromEnvironment) ? DefaultEndpoint : fromEnvironment);
    }

    internal static IAuthProvider CreateAuthProvider(Uri endpoint, DockerAgentOptions value)
    {
        var isTcp = endpoint.Scheme is "tcp" or "https";
        var certPath = value.TlsCertPath
            ?? (value.TlsVerify ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker") : null);
        if (!isTcp || (certPath is null && endpoint.Scheme != "https"))
        {
            return NoopAuthProvider.Instance;
        }

        if (certPath is null)
        {
            // https:// without client certificates: TLS with the system's trust store.
            return new CertificateCredentials(null);
        }

        var certificates = DockerTlsCertificates.LoadFromDirectory(certPath, loadCertificateAuthority: value.TlsVerify);
        var credentials = certificates.CreateCredentials();
        if (!value.TlsVerify && credentials is CertificateCredentials unverified)
        {
            // DOCKER_CERT_PATH without DOCKER_TLS_VERIFY: client certificate, server not checked,
            // as the Docker Go client's FromEnv does.
            unverified.ServerCertificateValidationCallback = static (_, _, _, _) => true;
        }

        return credentials;
    }
}
