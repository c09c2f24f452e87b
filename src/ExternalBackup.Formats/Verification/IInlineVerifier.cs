namespace ExternalBackup.Formats.Verification;

/// <summary>A verifier fed the bytes of one file, in order from offset 0, while something else copies them.</summary>
public interface IInlineVerifier
{
    /// <summary>Feeds the next bytes (any length).</summary>
    void Append(ReadOnlySpan<byte> data);
}
