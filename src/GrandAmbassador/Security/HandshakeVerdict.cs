namespace GrandAmbassador.Security;

/// <summary>
/// Why the certificate check of the current handshake failed. The validation callback gets no
/// connection, so the connection middleware hands this holder down the async flow; the callback fills it.
/// </summary>
internal sealed class HandshakeVerdict
{
    private static readonly AsyncLocal<HandshakeVerdict?> CurrentHolder = new();

    public static HandshakeVerdict? Current
    {
        get => CurrentHolder.Value;
        set => CurrentHolder.Value = value;
    }

    public string? Refusal { get; set; }
}
