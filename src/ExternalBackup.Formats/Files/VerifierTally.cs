namespace ExternalBackup.Formats.Files;

/// <summary>One verification's counters behind <see cref="VerifierProgress"/> (one per <see cref="EseFileVerifier.VerifyAsync"/> call, used by one loop).</summary>
internal sealed class VerifierTally(IProgress<VerifierProgress> progress, int filesTotal, long bytesTotal)
{
    private int _filesDone;
    private long _bytesDone;
    private long _fileStart;
    private long _fileLength;
    private string? _current;

    /// <summary>A file of <paramref name="length"/> bytes begins.</summary>
    public void Begin(string path, long length)
    {
        _current = path;
        _fileStart = _bytesDone;
        _fileLength = length;
        Report();
    }

    /// <summary><paramref name="count"/> more bytes of the current file were read (never counted past its length at the start).</summary>
    public void Read(int count)
    {
        _bytesDone = Math.Min(_bytesDone + count, _fileStart + _fileLength);
        Report();
    }

    /// <summary>The current file is verified: its whole length is done, whatever was read of it.</summary>
    public void End()
    {
        _bytesDone = _fileStart + _fileLength;
        _filesDone++;
    }

    /// <summary>The last report.</summary>
    public void Finish()
    {
        _current = null;
        Report();
    }

    private void Report() => progress.Report(new VerifierProgress(_filesDone, filesTotal, _bytesDone, Math.Max(bytesTotal, _bytesDone), _current));
}
