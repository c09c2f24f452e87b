using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ExternalBackup.Engine;
using ExternalBackup.Formats.Checksums;
using ExternalBackup.Formats.Database;
using ExternalBackup.Formats.Log;
using ExternalBackup.Formats.Primitives;
using ExternalBackup.Formats.Verification;

namespace ExternalBackup.Testing.EngineModel;

public sealed partial class EngineModel
{
    /// <summary>The alignment ReadFile buffers need (the OS page-commit granularity the engine checks).</summary>
    public const int BufferAlignment = 4096;

    /// <summary>The offset of the generation in a log header (ese-formats.md §4).</summary>
    private const long LogGenerationOffset = 4;

    /// <inheritdoc />
    /// <remarks>
    /// One file at a time (a second open gives <c>JET_errOutOfMemory</c>); the handle is
    /// <see cref="EngineModelOptions.FileHandle"/> (0, the slot index, by default). An attached database
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
                if (_backup.InProgress && _backup.Open is not null)
                {
                    TickWorkload();
                }

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
        if (open is null || file.Handle != _fileHandle)
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

        if (db.Attachment == DatabaseAttachment.ForRecovery)
        {
            // §5.5: checked after the phase; in the database phase the backup goes on.
            throw Fail(JetError.DatabaseAttachedForRecovery, $"{db.FullPath} is attached for recovery");
        }

        var header = db.ReadHeader();
        var fields = DatabaseHeader.Parse(header);
        fields.CurrentFullBackup = new BackupInfo(_backup.BeginMark, LogTime.FromDateTime(_backup.BeginTime.UtcDateTime), _backup.CopyMic, 0);
        ModelDatabase.Seal(header, fields);
        var handle = File.OpenHandle(db.FullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var size = db.StreamSize;
        _backup.Open = new OpenBackupFile(db.FullPath, handle, size, db, header, 0);
        _backup.Session.Add(db);
        return new BackupFileHandle(_fileHandle, size);
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
        return new BackupFileHandle(_fileHandle, size);
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
        if (open is null || file.Handle != _fileHandle)
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
                    targeted ??= (PageDamage.Checksum, corruption.Value);
                    firstDataPage = (int)pgno;
                }

                if (targeted is { } fault)
                {
                    if (fault.Damage == PageDamage.LostFlush && !fault.Silent)
                    {
                        // §5.6: the lost-flush check of the page read (the engine compares with its flush map).
                        DropOpenDatabase();
                        throw Fail(JetError.ReadLostFlushVerifyFailure, $"{db.FullPath}: page {pgno} (file offset {(long)(pgno + 1) * cbPage}) is older than its last flush (lost flush)");
                    }

                    Damage(page, pgno, fault.Damage);
                    if (fault.Silent)
                    {
                        continue;
                    }
                }

                if (VerifyPages || targeted is not null)
                {
                    ValidatePage(db, page, pgno);
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
    /// The engine's <c>CPAGE::ErrValidatePage</c> with <c>pgvfFixErrors</c> (ese-backup-api.md §5.6): an uninitialized
    /// page is accepted; a single-bit error the ECC corrects is corrected in the buffer and the read goes on; a page
    /// holding another page's number gives <c>JET_errReadPgnoVerifyFailure</c>; any other checksum failure
    /// <c>JET_errReadVerifyFailure</c>. A failure closes the file and drops the database from the backup.
    /// </summary>
    private void ValidatePage(ModelDatabase db, Span<byte> page, uint pgno)
    {
        var result = PageChecksum.VerifyPage(page, pgno);
        switch (result.Status)
        {
            case PageChecksumStatus.Ok or PageChecksumStatus.Uninitialized:
                return;
            case PageChecksumStatus.Correctable:
                page[(int)(result.CorrectableBit / 8)] ^= (byte)(1 << (int)(result.CorrectableBit % 8));
                return;
            case PageChecksumStatus.WrongPageNumber:
                DropOpenDatabase();
                throw Fail(JetError.ReadPgnoVerifyFailure, $"{db.FullPath}: page {pgno} (file offset {(long)(pgno + 1) * db.PageSize}) holds page {result.ActualPageNumber}");
            default:
                DropOpenDatabase();
                throw Fail(JetError.ReadVerifyFailure, $"{db.FullPath}: page {pgno} (file offset {(long)(pgno + 1) * db.PageSize}) fails its checksum");
        }
    }

    /// <summary>Damages a page as it is read (see <see cref="PageDamage"/>).</summary>
    private static void Damage(Span<byte> page, uint pgno, PageDamage damage)
    {
        switch (damage)
        {
            case PageDamage.SingleBit:
                // A bit in the middle of the page body (never the checksum, flags or page number fields).
                page[page.Length / 2] ^= 0x08;
                break;
            case PageDamage.WrongPageNumber:
                // Intact data sealed as the next page: what a misdirected write leaves.
                PageChecksum.WritePage(page, pgno + 1, eccFormat: PageChecksum.HasEccFormat(page) || page.Length > 8192);
                break;
            case PageDamage.LostFlush:
                break;
            default:
                FlipBytes(page);
                break;
        }
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
        else if (corruption is false)
        {
            var at = open.Position;
            EndOnError(JetError.LogReadVerifyFailure);
            throw Fail(JetError.LogReadVerifyFailure, $"{open.Path}: log data at offset {at.ToString(CultureInfo.InvariantCulture)} fails verification");
        }
        else if (open.Generation != 0)
        {
            VerifyLog(open);
            if (open.LogFailure is { } failure && failure.Offset < open.Position + count)
            {
                EndOnError(JetError.LogReadVerifyFailure);
                throw Fail(JetError.LogReadVerifyFailure, $"{open.Path}: offset {failure.Offset.ToString(CultureInfo.InvariantCulture)}: {failure.Cause}");
            }
        }

        open.Position += count;
        return count;
    }

    /// <summary>
    /// The engine's <c>ErrLGReadAndVerifyFile</c> (ese-backup-api.md §5.6): the whole log is verified, not just its
    /// header: header checksum and geometry, the generation its name says, every v8 segment's checksum or the v7
    /// LRCHECKSUM chain, and the size the header declares. The read that reaches the first error fails with
    /// <c>JET_errLogReadVerifyFailure</c> and ends the backup. Correctable single-bit segment errors are warnings and
    /// do not fail the read (the data is delivered as it is on disk).
    /// </summary>
    private static void VerifyLog(OpenBackupFile open)
    {
        if (open.LogVerified)
        {
            return;
        }

        open.LogVerified = true;
        var verifier = new LogFileVerifier(open.Path);
        // A pooled buffer: a new 1 MiB array per log (a large-object allocation, zeroed) cost as much as the read itself
        // and made every log-heavy benchmark of the pipeline measure the model.
        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            long offset = 0;
            int got;
            while ((got = RandomAccess.Read(open.Handle, chunk.AsSpan(0, 1 << 20), offset)) > 0)
            {
                verifier.Append(chunk.AsSpan(0, got));
                offset += got;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
        }

        var result = verifier.Complete();
        if (result.Problems.FirstOrDefault(p => !p.IsWarning) is { } problem)
        {
            open.LogFailure = (Math.Clamp(problem.Offset ?? 0, 0, Math.Max(0, open.Size - 1)), problem.Cause);
        }
        else if (result.Header is { } header && (uint)header.Generation != open.Generation)
        {
            open.LogFailure = (LogGenerationOffset, $"the header holds generation {header.Generation}, the name {open.Generation}");
        }
    }

    /// <summary>
    /// Flips three bits in three bytes in the middle of a page, as a rotten sector would: neither a single-bit
    /// error the ECC corrects nor intact data of another page, so both checksum formats see a plain checksum failure.
    /// </summary>
    private static void FlipBytes(Span<byte> page)
    {
        var at = Math.Max(0, (page.Length / 2) & ~3);
        foreach (var (offset, bit) in new[] { (0, 0x01), (5, 0x02), (11, 0x04) })
        {
            if (at + offset < page.Length)
            {
                page[at + offset] ^= (byte)bit;
            }
        }
    }
}
