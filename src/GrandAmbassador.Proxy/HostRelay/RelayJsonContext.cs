using System.Text.Json.Serialization;

namespace GrandAmbassador.Proxy.HostRelay;

/// <summary>The request's JSON, generated at build time: no reflection on the data path.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RelayRequest))]
internal sealed partial class RelayJsonContext : JsonSerializerContext;
