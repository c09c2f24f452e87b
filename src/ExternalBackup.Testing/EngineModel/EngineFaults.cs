using ExternalBackup.Engine;

namespace ExternalBackup.Testing.EngineModel;

/// <summary>
/// Faults the model injects. A failed call has the engine's consequences for the phase it happens in
/// (ese-backup-api.md §5): a database-phase OpenFile/ReadFile failure drops only that database and closes its
/// handle; a log-phase one ends the backup (later calls get <c>JET_errNoBackup</c>); a GetLogInfo failure before
/// the log roll leaves the backup running; a failed Begin starts nothing. Add rules before the calls happen;
/// the model is safe to share between threads but rules are meant to be set up front.
/// </summary>
public sealed class EngineFaults
{
    private readonly List<CallFault> _callFaults = [];
    private readonly List<ReadCorruption> _readCorruptions = [];
    private readonly List<PageCorruption> _pageCorruptions = [];
    private int _pageCorruptionCount;

    /// <summary>Makes the <paramref name="onCall"/>-th use (1-based) of <paramref name="call"/> fail with <paramref name="error"/>.</summary>
    /// <returns>This instance, for chaining.</returns>
    public EngineFaults Fail(EngineCall call, int onCall, JetError error)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(onCall, 1);
        if (error == JetError.Success)
        {
            throw new ArgumentException("An injected fault needs a failing code.", nameof(error));
        }

        lock (_callFaults)
        {
            _callFaults.Add(new CallFault(call, onCall, error));
        }

        return this;
    }

    /// <summary>
    /// Corrupts the first data page returned by the <paramref name="onCall"/>-th ReadFile (1-based). Not silent:
    /// the model's own page checks catch it, as the engine's do: <c>JET_errReadVerifyFailure</c> for a database
    /// (that database is dropped from the backup), <c>JET_errLogReadVerifyFailure</c> for a log (the backup ends).
    /// Silent: the bytes are flipped and the read succeeds, so only the caller's own verification can notice.
    /// </summary>
    /// <returns>This instance, for chaining.</returns>
    public EngineFaults CorruptRead(int onCall, bool silent = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(onCall, 1);
        lock (_readCorruptions)
        {
            _readCorruptions.Add(new ReadCorruption(onCall, silent));
        }

        return this;
    }

    /// <summary>
    /// Corrupts database page <paramref name="pgno"/> (1-based data page) of every database whose file name or
    /// path ends with <paramref name="databaseFileName"/> (either separator) whenever it is streamed; detected
    /// (<c>JET_errReadVerifyFailure</c>) unless <paramref name="silent"/>.
    /// </summary>
    /// <returns>This instance, for chaining.</returns>
    public EngineFaults CorruptPage(string databaseFileName, uint pgno, bool silent = false) =>
        AddPageFault(databaseFileName, pgno, PageDamage.Checksum, silent);

    /// <summary>
    /// Damages database page <paramref name="pgno"/> of every database whose file name or path ends with
    /// <paramref name="databaseFileName"/> whenever it is streamed, in the way <paramref name="damage"/> names; the
    /// engine's page validation then fails the read with that damage's code, or corrects a single-bit error and
    /// goes on (see <see cref="PageDamage"/>). Silent: the damage reaches the caller unchecked (as if it happened
    /// after the engine's check), so only the caller's own verification can notice.
    /// </summary>
    /// <returns>This instance, for chaining.</returns>
    public EngineFaults DamagePage(string databaseFileName, uint pgno, PageDamage damage, bool silent = false) =>
        AddPageFault(databaseFileName, pgno, damage, silent);

    private EngineFaults AddPageFault(string databaseFileName, uint pgno, PageDamage damage, bool silent)
    {
        ArgumentException.ThrowIfNullOrEmpty(databaseFileName);
        ArgumentOutOfRangeException.ThrowIfLessThan(pgno, 1u);
        lock (_pageCorruptions)
        {
            // A name like "sub/db.edb" matches with the OS's separators (Windows paths have '\\').
            _pageCorruptions.Add(new PageCorruption(databaseFileName.Replace(Path.AltDirectorySeparatorChar, Path.DirectorySeparatorChar), pgno, damage, silent));
            Volatile.Write(ref _pageCorruptionCount, _pageCorruptions.Count);
        }

        return this;
    }

    internal JetError? FaultFor(EngineCall call, int useNumber)
    {
        lock (_callFaults)
        {
            foreach (var f in _callFaults)
            {
                if (f.Call == call && f.OnCall == useNumber)
                {
                    return f.Error;
                }
            }
        }

        return null;
    }

    /// <summary>null: no corruption on this read; else whether it is silent.</summary>
    internal bool? ReadCorruptionFor(int readUseNumber)
    {
        lock (_readCorruptions)
        {
            foreach (var c in _readCorruptions)
            {
                if (c.OnCall == readUseNumber)
                {
                    return c.Silent;
                }
            }
        }

        return null;
    }

    /// <summary>null: page not targeted; else its damage and whether it is silent.</summary>
    internal (PageDamage Damage, bool Silent)? PageCorruptionFor(string databasePath, uint pgno)
    {
        if (Volatile.Read(ref _pageCorruptionCount) == 0)
        {
            return null;
        }

        lock (_pageCorruptions)
        {
            foreach (var c in _pageCorruptions)
            {
                if (c.Pgno == pgno && databasePath.EndsWith(c.FileName, StringComparison.OrdinalIgnoreCase))
                {
                    return (c.Damage, c.Silent);
                }
            }
        }

        return null;
    }

    private sealed record CallFault(EngineCall Call, int OnCall, JetError Error);

    private sealed record ReadCorruption(int OnCall, bool Silent);

    private sealed record PageCorruption(string FileName, uint Pgno, PageDamage Damage, bool Silent);
}
