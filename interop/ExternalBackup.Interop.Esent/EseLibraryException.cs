namespace ExternalBackup.Interop.Esent;

/// <summary>
/// No ESE library could be found or loaded, or it lacks an entry point. The message is one line meant for the user
/// (e.g. a CLI prints it as is).
/// </summary>
public sealed class EseLibraryException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EseLibraryException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public EseLibraryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public EseLibraryException()
        : base("The ESE library could not be loaded.")
    {
    }
}
