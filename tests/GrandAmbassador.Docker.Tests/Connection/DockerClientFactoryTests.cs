using Docker.DotNet.Handler.Abstractions;
using GrandAmbassador.Docker.Connection;

namespace GrandAmbassador.Docker.Tests.Connection;

public sealed class DockerClientFactoryTests
{
    [Fact]
    public void ResolveEndpoint_Configured_WinsOverEverything()
    {
        var configured = new Uri("tcp://10.0.0.1:2376");

        Assert.Equal(configured, DockerClientFactory.ResolveEndpoint(configured));
    }

    [Fact]
    public void CreateAuthProvider_UnixSocket_HasNoTls()
    {
        var options = new DockerAgentOptions { TlsCertPath = "/nonexistent", TlsVerify = true };

        var provider = DockerClientFactory.CreateAuthProvider(new Uri("unix:///var/run/docker.sock"), options);

        Assert.Same(NoopAuthProvider.Instance, provider);
    }

    [Fact]
    public void CreateAuthProvider_PlainTcpWithoutCertificates_HasNoTls()
    {
        var options = new DockerAgentOptions { TlsCertPath = null, TlsVerify = false };

        var provider = DockerClientFactory.CreateAuthProvider(new Uri("tcp://127.0.0.1:2375"), options);

        Assert.False(provider.TlsEnabled);
    }

    [Fact]
    public void CreateAuthProvider_TcpWithMissingCertPath_FailsClearly()
    {
        var options = new DockerAgentOptions { TlsCertPath = "/nonexistent-ga-certs", TlsVerify = true };

        Assert.Throws<DirectoryNotFoundException>(() => DockerClientFactory.CreateAuthProvider(new Uri("tcp://127.0.0.1:2376"), options));
    }
}
