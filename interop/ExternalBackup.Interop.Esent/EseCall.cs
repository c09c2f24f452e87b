using ExternalBackup.Engine;

namespace ExternalBackup.Interop.Esent;

/// <summary>Turns ESE return codes into <see cref="EseException"/>.</summary>
internal static class EseCall
{
    /// <summary>
    /// Throws <see cref="EseException"/> for a negative <c>JET_ERR</c> (an error). Zero and positive codes (warnings,
    /// e.g. <c>JET_wrnTargetInstanceRunning</c>) mean the call succeeded, as in ManagedEsent.
    /// </summary>
    public static void Check(int err, string call, string? detail = null)
    {
        if (err < 0)
        {
            throw new EseException(call, (JetError)err, detail);
        }
    }
}
