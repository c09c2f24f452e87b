namespace ExternalBackup.Sinks.S3;

/// <summary>
/// One file of a set on its way to the store. Bytes are cut into parts of a fixed size; each full part is
/// uploaded in the background (at most as many as the buffer pool holds), and a file that fits in one part is sent
/// with a single PutObject when it completes. A file announced larger than one part starts its multipart upload when
/// it is opened, in the background, so the first part does not wait for it, and completes it in the background once
/// its last part is in. Parts a resumed set's journal already shows acknowledged with the same size, whose bytes now
/// hash to the part's ETag, are not sent again: they are reused in the interrupted run's open upload, or, when that
/// run had completed the object, the file is skipped if every part matches and otherwise the matching parts are
/// copied within the store (UploadPartCopy) into a new upload.
/// <para>
/// The sink computes no hash of its own on the way out: the pipeline hashes every byte it hands over
/// (<see cref="CompletedFile.Sha256"/>, recorded in the journal for small files) and the SDK hashes each request's
/// payload for its SigV4 signature. A resumed part is matched against the MD5 ETag the store returned for it, which
/// costs one MD5 of that part's bytes at resume time only (see <see cref="InterruptedUpload.MatchesStoredPart"/>).
/// </para>
/// <para>
/// This type only coordinates: <see cref="PartCutter"/> cuts the bytes into parts, <see cref="InterruptedUpload"/>
/// says what the interrupted run left that can be reused, <see cref="S3MultipartUpload"/> (with its
/// <see cref="PartTransfers"/>) is the multipart path and <see cref="SmallFilePut"/> the single PutObject.
/// </para>
/// </summary>
internal sealed class S3FileUpload
{
    private readonly S3UploadContext _context;
    private readonly InterruptedUpload _interrupted;
    private readonly PartCutter _cutter;
    private readonly S3MultipartUpload _multipart;
    private readonly SmallFilePut _put;

    /// <summary>A file about to be streamed to <paramref name="key"/>.</summary>
    /// <param name="context">What the set's uploads share.</param>
    /// <param name="file">The file as the pipeline announced it.</param>
    /// <param name="key">Its object key.</param>
    /// <param name="previous">What the interrupted run's journal holds for this file: a copy, as the journal's own entry changes while parts are acknowledged.</param>
    public S3FileUpload(S3UploadContext context, BackupFileDescriptor file, string key, JournalFile? previous)
    {
        _context = context;
        File = file;
        Key = key;
        PartSize = PartSizing.ForLength(file.ExpectedLength, context.MinimumPartSize);
        _interrupted = new InterruptedUpload(previous, key, PartSize);
        _cutter = new PartCutter(file, PartSize, context.Buffers, DispatchPart);
        _multipart = new S3MultipartUpload(context, file.Path, key, PartSize, _interrupted);
        _put = new SmallFilePut(context, file.Path, key, _interrupted, _multipart);
    }

    public BackupFileDescriptor File { get; }

    public string Key { get; }

    public int PartSize { get; }

    /// <summary>Bytes accepted so far.</summary>
    public long Received => _cutter.Received;

    /// <summary>The multipart upload, once started (and again <see langword="null"/> once a file that turned out small has aborted it).</summary>
    public string? UploadId => _multipart.UploadId;

    /// <summary>
    /// Starts the multipart upload in the background when the file is announced larger than one part, so that the
    /// initiation's round trips (and the journal save that makes the upload id durable) overlap with filling the
    /// first part instead of holding up the writer when that part is full.
    /// </summary>
    public void StartEarly()
    {
        if (File.ExpectedLength > PartSize && !_interrupted.CopiesFromObject)
        {
            _multipart.Start();
        }
    }

    /// <summary>
    /// What <see cref="CompleteAsync"/> left running: the PutObject of a small file, or the last parts of a
    /// multipart file. The commit waits for it.
    /// </summary>
    public Task? Pending { get; private set; }

    public async ValueTask WriteAsync(BackupChunk chunk, CancellationToken cancellationToken)
    {
        _multipart.ThrowIfFailed();
        await _cutter.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask CompleteAsync(CompletedFile completed, CancellationToken cancellationToken)
    {
        _multipart.ThrowIfFailed();
        cancellationToken.ThrowIfCancellationRequested();

        // No second SHA-256 here: the pipeline hashed the very chunks it handed to WriteAsync, which copied each byte
        // once into a part buffer; hashing them again would only check that copy, at the cost of a pass over every
        // byte on the writer's path. The length is checked, which catches a lost or repeated write.
        if (completed.Length != Received)
        {
            throw new InvalidDataException(
                $"{File.Path}: the pipeline reports {completed.Length} bytes (SHA-256 {completed.Sha256}), but the sink received {Received} bytes");
        }

        var sha = completed.Sha256.ToLowerInvariant();
        if (_cutter.PartsCut == 0)
        {
            var (buffer, size) = _cutter.TakeRest();
            Pending = _put.Start(buffer, size, sha);
            return ValueTask.CompletedTask;
        }

        _cutter.CutRest();

        if (_interrupted.CopiesFromObject && !_multipart.IsStarted && _interrupted.MatchesWholeObject(_multipart.CopiesWaiting, Received))
        {
            // Every part matched the object the interrupted run completed: it is already the right object.
            _multipart.ForgetCopies();
            _context.CountSkippedFile();
            return ValueTask.CompletedTask;
        }

        // A file that matched the interrupted run's object so far but ends differently gets its new upload now.
        _multipart.Start();

        // The last parts finish and the object is completed in the background while the next file streams; the
        // commit waits for it, so the manifest still comes last.
        var partCount = _cutter.PartsCut;
        var length = Received;
        Pending = Task.Run(() => _multipart.FinishAsync(partCount, length, sha), CancellationToken.None);
        return ValueTask.CompletedTask;
    }

    /// <summary>Stops this file: waits for its parts in flight and aborts its multipart upload.</summary>
    public async ValueTask AbortAsync()
    {
        _cutter.ReturnBuffer();
        await _multipart.AbortAsync().ConfigureAwait(false);
    }

    /// <summary>Lets the parts in flight finish (and be journaled) without starting more: an interrupted set stays resumable.</summary>
    public async ValueTask DrainAsync()
    {
        _cutter.ReturnBuffer();
        await _multipart.DrainAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// A part the cutter handed on: not sent again when the interrupted run's part holds the same bytes (reused in
    /// its upload, or copied from its object), else sent in the background.
    /// </summary>
    private void DispatchPart(byte[] buffer, int size, int number)
    {
        if (_interrupted.MatchingPart(number, buffer.AsSpan(0, size)) is { } known)
        {
            _context.Buffers.Return(buffer);
            _context.CountSkippedPart();
            if (_interrupted.ReusesUpload)
            {
                _multipart.Reuse(number, known.ETag);
            }
            else
            {
                _multipart.CopyFromObject(number, known.Size);
            }

            return;
        }

        _multipart.Send(buffer, size, number);
    }
}
