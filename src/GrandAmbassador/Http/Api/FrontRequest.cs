namespace GrandAmbassador.Http.Api;

/// <summary>The optional body of <c>POST /api/names/{name}</c>: port mappings as <c>--port</c> takes them ("8080:80", "53/udp").</summary>
internal sealed record FrontRequest(string[]? Ports);
