namespace ExternalBackup.Restore;

/// <summary>
/// Counts the files and bytes that parallel reads of stored files complete and hands every change, in order and
/// one at a time, to <paramref name="report"/> (files done, bytes done, current file): the counts it reports never
/// go down, whichever file's read finished first.
/// </summary>
internal sealed class ReadBackTally(Action<int, long, string?> report)
{
    private readonly Lock _gate = new();
    private int _filesDone;
    private long _bytesDone;
    private string? _current;

    /// <summary>A file's read begins.</summary>
    public void Started(string file)
    {
        lock (_gate)
        {
            _current = file;
            report(_filesDone, _bytesDone, _current);
        }
    }

    /// <summary>Bytes of a file were read (and checked, and written when restoring).</summary>
    public void Read(int bytes)
    {
        lock (_gate)
        {
            _bytesDone += bytes;
            report(_filesDone, _bytesDone, _current);
        }
    }

    /// <summary>A file is done.</summary>
    public void Completed()
    {
        lock (_gate)
        {
            _filesDone++;
            report(_filesDone, _bytesDone, _current);
        }
    }

    /// <summary>Reports the counts again (a phase change).</summary>
    public void Again()
    {
        lock (_gate)
        {
            report(_filesDone, _bytesDone, _current);
        }
    }
}
