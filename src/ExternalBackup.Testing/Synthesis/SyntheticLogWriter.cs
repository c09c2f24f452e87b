using System.Buffers.Binary;
using ExternalBackup.Formats.Checkpoint;
using ExternalBackup.Formats.Checksums;
using ExternalBackup.Formats.Log;
using ExternalBackup.Formats.Primitives;

namespace ExternalBackup.Testing.Synthesis;

/// <summary>
/// Writes synthetic v8 (segment format) transaction logs and log sets: a valid header, then segments with an LGSEGHDR
/// (position, time, flag 0x2000) and ECC checksums whose page number is the sector index; each next generation
/// records the previous one's creation time and accumulated segment checksum. Passes
/// <c>ExternalBackup.Formats.Verification.LogFileVerifier</c> and <c>LogSetVerifier</c>. Log records are not real.
/// </summary>
public static class SyntheticLogWriter
{
    /// <summary>
    /// Builds a whole log file in memory for <paramref name="header"/> (its <c>FileSectors</c> give the size) with
    /// <paramref name="segmentsWritten"/> data segments; returns the bytes and the accumulated segment checksum to
    /// pass to <see cref="LogFileHeader.CreateNext"/> for the next generation.
    /// </summary>
    public static (byte[] Bytes, ulong AccumulatedSegmentChecksum) BuildLog(LogFileHeader header, int segmentsWritten, ulong seed = 7)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (!header.IsSegmentFormat || header.SectorSize != LogFileHeader.SegmentSize)
        {
            throw new ArgumentException("Only v8 (segment format, 4096-byte sectors) logs are synthesised.", nameof(header));
        }

        var bytes = new byte[header.DeclaredFileSize];
        header.Write(bytes);
        var random = new SyntheticRandom(seed ^ (ulong)header.Generation);
        ulong accumulated = 0;
        var last = Math.Min(header.FileSectors - 1, header.HeaderSectors + segmentsWritten);
        for (var isec = header.HeaderSectors; isec < last; isec++)
        {
            var seg = bytes.AsSpan(isec * LogFileHeader.SegmentSize, LogFileHeader.SegmentSize);
            random.Fill(seg[40..]);
            new LogPosition(header.Generation, (ushort)isec, 0).Write(seg[8..]);
            header.CreateTime.Write(seg[16..]);
            BinaryPrimitives.WriteUInt32LittleEndian(seg[36..], PageChecksum.NewChecksumFormatFlag);
            PageChecksum.WritePage(seg, (uint)isec, eccFormat: true);
            accumulated ^= BinaryPrimitives.ReadUInt64LittleEndian(seg);
        }

        return (bytes, accumulated);
    }

    /// <summary>
    /// Writes a log set into <paramref name="folder"/>: archived logs <c>edb00001.log</c>.. for all but the last generation,
    /// the current log <c>edb.log</c>, the checkpoint <c>edb.chk</c> and optionally reserve logs. Returns the headers written, oldest first.
    /// </summary>
    public static async Task<IReadOnlyList<LogFileHeader>> WriteLogSetAsync(string folder, SyntheticLogSetOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Count, "At least one generation.");
        }

        Directory.CreateDirectory(folder);
        var headers = new List<LogFileHeader>();
        var header = LogFileHeader.CreateV8(options.FirstGeneration, options.LogSignature, LogTime.FromDateTime(options.FirstCreated), options.LogFileSize, options.DatabasePageSize);
        header.PreviousGenerationTime = LogTime.FromDateTime(options.FirstCreated.AddSeconds(-1));
        header.CheckpointAtCreation = new LogPosition(options.FirstGeneration, 1, 0);
        for (var i = 0; i < options.Count; i++)
        {
            var (bytes, accumulated) = BuildLog(header, options.SegmentsWritten, options.Seed);
            var isLast = i == options.Count - 1;
            var name = isLast ? LogFileName.Current(options.BaseName) : LogFileName.Format(options.BaseName, header.Generation);
            await File.WriteAllBytesAsync(Path.Combine(folder, name), bytes, cancellationToken).ConfigureAwait(false);
            headers.Add(header);
            header = header.CreateNext(LogTime.FromDateTime(options.FirstCreated.AddSeconds(i + 1)), accumulated, new LogPosition(header.Generation, 1, 0));
        }

        if (options.WriteCheckpoint)
        {
            var last = headers[^1].Generation;
            var cp = new CheckpointHeader
            {
                Checkpoint = options.Checkpoint ?? new LogPosition(last, 1, 0),
                DatabaseConsistency = options.Checkpoint ?? new LogPosition(last, 1, 0),
                LogSignature = options.LogSignature,
            };
            await File.WriteAllBytesAsync(Path.Combine(folder, LogFileName.Checkpoint(options.BaseName)), cp.ToFileBytes(), cancellationToken).ConfigureAwait(false);
        }

        if (options.WriteReserveLogs)
        {
            for (var r = 1; r <= 2; r++)
            {
                await File.WriteAllBytesAsync(Path.Combine(folder, $"{options.BaseName}res{r:00000}.jrs"), new byte[options.LogFileSize], cancellationToken).ConfigureAwait(false);
            }
        }

        return headers;
    }
}
