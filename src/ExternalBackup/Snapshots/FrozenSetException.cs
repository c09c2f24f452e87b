namespace ExternalBackup.Snapshots;

/// <summary>A frozen set cannot be backed up: a corrupt page or log segment, a missing generation, a foreign log or an inconsistent header. Names the file and the cause.</summary>
public sealed class FrozenSetException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="file">The file at fault (or the database whose logs are missing).</param>
    /// <param name="cause">What is wrong, naming pages or generations.</param>
    /// <param name="inner">The underlying exception, if any.</param>
    public FrozenSetException(string file, string cause, Exception? inner = null)
        : base($"{file}: {cause}", inner)
    {
        FilePath = file;
        Cause = cause;
    }

    /// <summary>The file at fault.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong.</summary>
    public string Cause { get; }
}
