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

    /// <summary>A new client; the caller disposes it. One per session, so a reconnect starts clean.</summary>
    public DockerClient Create()
    {
        var value = options.Value;
        // No WithApiVersion: unversioned paths get the engine's own current API version, so the
        // same client works with 20.10 (API 1.41) and with 29 (which refuses anything below 1.44).
        return new DockerClientBuilder()
            .WithEndpoint(Endpoint)
            .WithTimeout(value.RequestTimeout)
            .WithAuthProvider(CreateAuthProvider(Endpoint, value))
            .Build();
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
