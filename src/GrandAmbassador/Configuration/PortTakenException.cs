namespace GrandAmbassador.Configuration;

/// <summary>
/// A name's port is held already: by another fronted name (<paramref name="holder"/>), or by another
/// process (null). The API answers 409 with the message; at start-up it is one line and exit 2.
/// </summary>
internal sealed class PortTakenException(string name, string port, string? holder, string? reason = null)
    : InvalidSettingException(holder is not null
        ? $"{name}: port {port} is taken by fronted name {holder}"
        : $"{name}: port {port} is taken by another process{(reason is null ? "" : $" ({reason})")}");
