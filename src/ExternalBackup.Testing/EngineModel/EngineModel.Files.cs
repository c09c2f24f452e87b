using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ExternalBackup.Engine;
using ExternalBackup.Formats.Checksums;
using ExternalBackup.Formats.Database;
using ExternalBackup.Formats.Log;
using ExternalBackup.Formats.Primitives;

namespace ExternalBackup.Testing.EngineModel;

public sealed partial class EngineModel
{
    /// <summary>The alignment ReadFile buffers need (the OS page-commit granularity the engine checks).</summary>
    public const int BufferAlignment = 4096;

    /// <inheritdoc />
    /// <remarks>
    /// One file at a time (a second open gives <c>JET_errOutOfMemory</c>); the handle is 0. An attached database
    /// opens only during the database phase of a full backup, else <c>JET_errInvalidBackupSequence</c>, which then
    /// ends the backup; its size is (lastPgno + 3) pages. Another name during the database phase gives
    /// <c>JET_errDatabaseNotFound</c> (the backup goes on); in the log phase it opens the file as a log, and a
    /// missing file gives <c>JET_errMissingFileToBackup</c> and ends the backup. Relative names are resolved
    /// against the instance folder.
    /// </remarks>
    public BackupFileHandle OpenFile(string fileName) => Run(EngineCall.OpenFile, fileName ?? string.Empty, () =>
    {
        RequireRunningBackup();
        if (Condition == InstanceCondition.BackupNotAllowedYet)
        {
            throw Fail(JetError.BackupNotAllowedYet);
        }

        if (string.IsNullOrEmpty(fileName))
        {
            throw Fail(JetError.InvalidParameter, "empty file name");
        }

        if (_backup.Open is not null)
        {
            throw Fail(JetError.OutOfMemory, $"{_backup.Open.Path} is still open (one file at a time)");
        }

        var path = Path.GetFullPath(fileName, InstanceFolder);
        var db = _databases.FirstOrDefault(d => string.Equals(d.FullPath, path, StringComparison.OrdinalIgnoreCase));
        try
        {
            return db is not null ? OpenDatabase(db) : OpenLog(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            ApplyPhasePolicy();
            throw Fail(JetError.DiskIO, $"{path}: {e.Message}");
        }
    });

    /// <inheritdoc />
    /// <remarks>
    /// The buffer must start on a <see cref="BufferAlignment"/> boundary and be a multiple of
    /// <see cref="PageSize"/>; the first read of a database needs at least 3 pages, of a log at least 2, else
    /// <c>JET_errInvalidParameter</c>. A database streams 2 header copies (bkinfoFullCur set), pages
    /// 1..lastPgno (each checked: a bad page gives <c>JET_errReadVerifyFailure</c>, the engine closes the file and
    /// drops that database, the backup goes on), then one trailer page when the buffer has room, then 0 (end).
    /// A log streams its bytes; its header is checked (<c>JET_errLogReadVerifyFailure</c> ends the backup).
    /// </remarks>
    public int ReadFile(BackupFileHandle file, Span<byte> buffer)
    {
        lock (_sync)
        {
            Enter(EngineCall.ReadFile, _recordCalls ? $"handle={file.Handle} bytes={buffer.Length}" : string.Empty);
            try
            {
                var read = ReadCore(file, buffer);
                Succeed();
                return read;
            }
            catch (EseException e)
            {
                Record(e.Error, injected: false);
                throw;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                var path = _backup.Open?.Path;
                if (_backup.Open?.Database is not null)
                {
                    DropOpenDatabase();
                }
                else
                {
                    EndOnError(JetError.DiskIO);
                }

                throw Fail(JetError.DiskIO, $"{path}: {e.Message}");
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// <c>JET_errNoBackup</c>; a handle other than the open one gives <c>JET_errInvalidParameter</c>. A database
    /// streamed to the end is marked copied; a log read to the end whose generation is in the log-info range adds
    /// its generation to the sum TruncateLog checks.
    /// </remarks>
    public void CloseFile(BackupFileHandle file) => Run(EngineCall.CloseFile, $"handle={file.Handle}", () =>
    {
        RequireRunningBackup(checkStop: false);
        var open = _backup.Open;
        if (open is null || file.Handle != 0)
        {
            throw Fail(JetError.InvalidParameter, $"handle {file.Handle} is not open");
        }

        if (open.Position >= open.Size)
        {
            if (open.Database is not null)
            {
                _backup.CopyDone.Add(open.Database);
            }
            else if (open.Generation != 0 && open.Generation >= _backup.CopyMic && open.Generation < _backup.CopyMac)
            {
                _backup.CopiedGenerationSum += open.Generation;
            }
        }

        open.Dispose();
        _backup.Open = null;
        return 0;
    });

    private BackupFileHandle OpenDatabase(ModelDatabase db)
    {
        if (!_backup.Full || _backup.Status != BackupStatus.Databases)
        {
            ApplyPhasePolicy();
            throw Fail(JetError.InvalidBackupSequence, $"{db.FullPath}: a database can only be opened in the database phase of a full backup");
        }

        var header = db.ReadHeader();
        var fields = DatabaseHeader.Parse(header);
        fields.CurrentFullBackup = new BackupInfo(_backup.BeginMark, LogTime.FromDateTime(_backup.BeginTime.UtcDateTime), _backup.CopyMic, 0);
        ModelDatabase.Seal(header, fields);
        var handle = File.OpenHandle(db.FullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var size = db.StreamSize;
        _backup.Open = new OpenBackupFile(db.FullPath, handle, size, db, header, 0);
        _backup.Session.Add(db);
        return new BackupFileHandle(0, size);
    }

    private BackupFileHandle OpenLog(string path)
    {
        if (_backup.Status == BackupStatus.Databases)
        {
            throw Fail(JetError.DatabaseNotFound, $"{path} is not an attached database");
        }

        if (!File.Exists(path))
        {
            ApplyPhasePolicy();
            throw Fail(JetError.MissingFileToBackup, $"{path} does not exist");
        }

        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var size = RandomAccess.GetLength(handle);
        _backup.Open = new OpenBackupFile(path, handle, size, null, null, _logs.GenerationOf(path) ?? 0);
        return new BackupFileHandle(0, size);
    }

    /// <summary>The engine's error policy (§5.5): in the log phase an error ends the backup.</summary>
    private void ApplyPhasePolicy()
    {
        if (_backup.Status == BackupStatus.Logs)
        {
            EndOnError(JetError.InvalidBackupSequence);
        }
    }

    private void DropOpenDatabase()
    {
        if (_backup.Open is { Database: { } db } open)
        {
            _backup.Session.Remove(db);
            open.Dispose();
            _backup.Open = null;
        }
    }

    private unsafe int ReadCore(BackupFileHandle file, Span<byte> buffer)
    {
        RequireRunningBackup();
        if (Condition == InstanceCondition.BackupNotAllowedYet)
        {
            throw Fail(JetError.BackupNotAllowedYet);
        }

        var address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(buffer));
        if (address % BufferAlignment != 0)
        {
            throw Fail(JetError.InvalidParameter, $"buffer address 0x{address:x} is not aligned to {BufferAlignment} bytes");
        }

        if (buffer.Length % PageSize != 0)
        {
            throw Fail(JetError.InvalidParameter, $"buffer length {buffer.Length} is not a multiple of the page size {PageSize}");
        }

        var open = _backup.Open;
        if (open is null || file.Handle != 0)
        {
            throw Fail(JetError.InvalidParameter, $"handle {file.Handle} is not open");
        }

        var corruption = _faults.ReadCorruptionFor(_currentUse);
        return open.Database is { } db
            ? ReadDatabase(open, db, buffer, corruption)
            : ReadLog(open, buffer, corruption);
    }

    private int ReadDatabase(OpenBackupFile open, ModelDatabase db, Span<byte> buffer, bool? corruption)
    {
        var cbPage = db.PageSize;
        if (buffer.Length == 0 || (open.Position == 0 && buffer.Length <= 2 * PageSize))
        {
            throw Fail(JetError.InvalidParameter, $"{open.Path}: the first read of a database needs at least 3 pages, got {buffer.Length} bytes");
        }

        var dataEnd = open.Size - cbPage;
        var written = 0;
        var firstDataPage = -1;
        while (written + cbPage <= buffer.Length && open.Position < dataEnd)
        {
            var index = open.Position / cbPage;
            if (index < 2)
            {
                open.HeaderSnapshot.CopyTo(buffer.Slice(written, cbPage));
                written += cbPage;
                open.Position += cbPage;
                continue;
            }

            var pages = (int)Math.Min((buffer.Length - written) / cbPage, (dataEnd - open.Position) / cbPage);
            var chunk = buffer.Slice(written, pages * cbPage);
            var got = RandomAccess.Read(open.Handle, chunk, open.Position);
            if (got < chunk.Length)
            {
                chunk[got..].Clear();
            }

            for (var i = 0; i < pages; i++)
            {
                var pgno = (uint)(index - 1 + i);
                var page = chunk.Slice(i * cbPage, cbPage);
                var targeted = _faults.PageCorruptionFor(db.FullPath, pgno);
                if (firstDataPage < 0 && corruption is not null)
                {
                    targeted ??= corruption;
                    firstDataPage = (int)pgno;
                }

                if (targeted is { } silent)
                {
                    FlipBytes(page);
                    if (silent)
                    {
                        continue;
                    }
                }

                if ((VerifyPages || targeted is not null) && PageChecksum.VerifyPage(page, pgno).Status is not (PageChecksumStatus.Ok or PageChecksumStatus.Uninitialized))
                {
                    DropOpenDatabase();
                    throw Fail(JetError.ReadVerifyFailure, $"{db.FullPath}: page {pgno} (file offset {(long)(pgno + 1) * cbPage}) fails its checksum");
                }
            }

            written += pages * cbPage;
            open.Position += pages * cbPage;
        }

        if (open.Position == dataEnd && written + cbPage <= buffer.Length)
        {
            WriteTrailer(buffer.Slice(written, cbPage), open.HeaderSnapshot!);
            written += cbPage;
            open.Position += cbPage;
        }

        return written;
    }

    /// <summary>
    /// The trailer page after the last data page: this backup's record with the real high generation, and the
    /// header's signatures, required generations (as they are), committed generation and times.
    /// </summary>
    private void WriteTrailer(Span<byte> page, byte[] headerPage)
    {
        var header = DatabaseHeader.Parse(headerPage);
        var genMaxCommitted = (uint)header.GenMaxCommitted;
        var genHigh = Math.Max(_logs.CurrentGeneration(), genMaxCommitted);
        new TrailerPage
        {
            Backup = new BackupInfo(_backup.BeginMark, LogTime.FromDateTime(_backup.BeginTime.UtcDateTime), _backup.CopyMic, genHigh),
            DatabaseSignature = header.DatabaseSignature,
            LogSignature = header.LogSignature,
            GenMinRequired = (uint)header.GenMinRequired,
            GenMaxRequired = (uint)header.GenMaxRequired,
            GenMaxCommitted = genMaxCommitted,
            GenMaxRequiredTime = header.GenMaxRequiredTime,
            GenMaxCommittedTime = header.GenMaxCreateTime,
        }.WritePage(page);
    }

    private int ReadLog(OpenBackupFile open, Span<byte> buffer, bool? corruption)
    {
        if (open.Position == 0 && buffer.Length < 2 * PageSize)
        {
            throw Fail(JetError.InvalidParameter, $"{open.Path}: the first read of a log needs at least 2 pages, got {buffer.Length} bytes");
        }

        var count = (int)Math.Min(buffer.Length, open.Size - open.Position);
        var target = buffer[..count];
        var got = RandomAccess.Read(open.Handle, target, open.Position);
        if (got < count)
        {
            EndOnError(JetError.LogReadVerifyFailure);
            throw Fail(JetError.LogReadVerifyFailure, $"{open.Path}: short read at offset {open.Position}");
        }

        if (corruption is true && count > 0)
        {
            FlipBytes(target);
        }
        else if (corruption is false ||
                 (open.Position == 0 && open.Generation != 0 && count >= LogFileHeader.Size && !LogHeaderOk(target, open.Generation)))
        {
            var at = open.Position;
            EndOnError(JetError.LogReadVerifyFailure);
            throw Fail(JetError.LogReadVerifyFailure, $"{open.Path}: log data at offset {at.ToString(CultureInfo.InvariantCulture)} fails verification");
        }

        open.Position += count;
        return count;
    }

    private static bool LogHeaderOk(ReadOnlySpan<byte> data, uint generation)
    {
        var header = data[..LogFileHeader.Size];
        return XorChecksum.Verify(header) && (uint)LogFileHeader.Parse(header).Generation == generation;
    }

    /// <summary>Flips one dword in the middle of a page, as a rotten sector would (XOR-32 and ECC both see it).</summary>
    private static void FlipBytes(Span<byte> page)
    {
        var at = Math.Max(0, (page.Length / 2) & ~3);
        var end = Math.Min(page.Length, at + 4);
        for (var i = at; i < end; i++)
        {
            page[i] ^= 0xA5;
        }
    }
}
