using System.Net;
using System.Net.Http.Headers;
using GrandAmbassador.CommandLine;
using GrandAmbassador.Hosting;
using GrandAmbassador.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace GrandAmbassador.Web.Tests.Harness;

/// <summary>
/// A whole ambassador started in-process from a command line, exactly as <c>grand-ambassador ARGS</c>
/// builds it, with its HTTP server on a free loopback port, and an HTTP client for it.
/// </summary>
internal sealed class WebAmbassador : IAsyncDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);
    private readonly AmbassadorRuntime _runtime;

    private WebAmbassador(AmbassadorRuntime runtime, Uri baseAddress, string? token)
    {
        _runtime = runtime;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    public Uri BaseAddress { get; }

    /// <summary>A client with the token, when there is one.</summary>
    public HttpClient Http { get; }

    /// <summary>The current control plane's services (the HTTP server restarts with it).</summary>
    public IServiceProvider Services => _runtime.ControlPlane?.Services ?? throw new InvalidOperationException("no control plane right now");

    /// <summary>This silo's address, as the Orleans dashboard lists it.</summary>
    public string SiloEndpoint => Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.Endpoint.ToString();

    public static Task<WebAmbassador> StartAsync(params string[] args) => StartOnAsync("127.0.0.1", args);

    /// <summary>
    /// Listens (proxies and HTTP server) on <paramref name="address"/>: "127.0.0.1", or "::1" for IPv6, given as the
    /// user would: <c>--listen ::1 --http [::1]:PORT</c>.
    /// </summary>
    public static async Task<WebAmbassador> StartOnAsync(string address, params string[] args)
    {
        var port = FreePort.Next();
        var host = address.Contains(':', StringComparison.Ordinal) ? $"[{address}]" : address;
        var settings = AmbassadorCommandLine.ParseSettings(["--listen", address, "--http", $"{host}:{port}", .. args]);
        var runtime = await AmbassadorRuntime.StartAsync(settings);
        await runtime.Started.WaitAsync(Guard);
        if (runtime.ControlPlane is null)
        {
            await runtime.DisposeAsync();
            throw new InvalidOperationException("The ambassador did not start (see its log above).");
        }

        return new WebAmbassador(runtime, new Uri($"http://{host}:{port}/"), settings.Http.Token);
    }

    /// <summary>Asks <paramref name="path"/> until <paramref name="done"/> holds for its status and body (hang guard 30 s).</summary>
    public async Task<(HttpStatusCode Status, string Body)> PollAsync(string path, Func<HttpStatusCode, string, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            using var response = await Http.GetAsync(path);
            var body = await response.Content.ReadAsStringAsync();
            if (done(response.StatusCode, body))
            {
                return (response.StatusCode, body);
            }

            last = $"{(int)response.StatusCode}: {body.Trim()}";
            await Task.Delay(50);
        }

        throw new TimeoutException($"{path} still answers {last}");
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _runtime.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));
    }
}
