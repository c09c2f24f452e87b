using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ExternalBackup.Interop.Esent;

/// <summary>
/// A <c>JET_INSTANCE</c> that is always terminated: releasing it calls <c>JetTerm2</c> with the chosen
/// <see cref="TermGrbits"/> (also from the finalizer if the owner forgot to dispose), then lets go of the library.
/// An adopted instance (<see cref="EseLibrary.AdoptInstance"/>) belongs to the application: releasing it only lets go
/// of the library, and <c>JetTerm2</c> is never called.
/// </summary>
public sealed class SafeEseInstanceHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private readonly EseLibrary _library;
    private readonly TermGrbits _termGrbits;

    internal SafeEseInstanceHandle(EseLibrary library, nint instance, TermGrbits termGrbits, bool terminates = true)
        : base(ownsHandle: true)
    {
        _library = library;
        _termGrbits = termGrbits;
        Terminates = terminates;
        SetHandle(instance);
    }

    /// <summary>Whether releasing the handle terminates the instance (<see langword="false"/> for an adopted one).</summary>
    public bool Terminates { get; }

    /// <summary>The <c>JET_ERR</c> that <c>JetTerm2</c> returned on release (0 until released).</summary>
    public int TermResult { get; private set; }

    /// <inheritdoc />
    protected override unsafe bool ReleaseHandle()
    {
        try
        {
            if (!Terminates)
            {
                return true;
            }

            TermResult = _library.Exports.JetTerm2(handle, (uint)_termGrbits);
            return TermResult >= 0;
        }
        catch (SEHException)
        {
            // JetTerm2 raised a native exception (an export that cannot be called): the handle is given up.
            return false;
        }
        finally
        {
            _library.ReleaseReference();
        }
    }
}
