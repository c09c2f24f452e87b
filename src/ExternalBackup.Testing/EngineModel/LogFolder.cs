using ExternalBackup.Formats.Checkpoint;
using ExternalBackup.Formats.Checksums;
using ExternalBackup.Formats.Log;
using ExternalBackup.Formats.Primitives;
using ExternalBackup.Formats.Verification;
using ExternalBackup.Sinks.FileSystem;
using ExternalBackup.Testing.Synthesis;

namespace ExternalBackup.Testing.EngineModel;

/// <summary>The instance's log files and checkpoint: names (ese-formats.md §4.1), generations, the roll.</summary>
internal sealed class LogFolder
{
    public LogFolder(string folder, string baseName, string extension, bool eightDotThree)
    {
        Folder = folder;
        BaseName = baseName;
        Extension = extension;
        EightDotThree = eightDotThree;
    }

    public string Folder { get; }

    public string BaseName { get; }

    public string Extension { get; }

    public bool EightDotThree { get; }

    public string CurrentLogPath => Path.Combine(Folder, LogFileName.Current(BaseName, Extension));

    public string CheckpointPath => Path.Combine(Folder, LogFileName.Checkpoint(BaseName, Extension == ".jtx" ? ".jcp" : ".chk"));

    /// <summary>The archived log name of <paramref name="generation"/>: 5 hex digits under 8.3 names up to 0xFFFFF, else 8.</summary>
    public string ArchiveName(uint generation) => LogFileName.Format(BaseName, (int)generation, eightDigits: !EightDotThree, Extension);

    /// <summary>The existing archived log of <paramref name="generation"/> (either digit count), or the name it would have.</summary>
    public string ArchivePath(uint generation)
    {
        var preferred = Path.Combine(Folder, ArchiveName(generation));
        if (File.Exists(preferred))
        {
            return preferred;
        }

        var other = Path.Combine(Folder, LogFileName.Format(BaseName, (int)generation, eightDigits: EightDotThree, Extension));
        return File.Exists(other) ? other : preferred;
    }

    /// <summary>The generation in an archived log name of this base and extension (base + 5 or 8 hex digits + extension), or null.</summary>
    public uint? GenerationOf(string path) =>
        LogFileName.TryParse(path) is { Kind: LogFileKind.Archived, Generation: { } generation } name &&
        name.BaseName.Equals(BaseName, StringComparison.OrdinalIgnoreCase) &&
        name.Extension.Equals(Extension, StringComparison.OrdinalIgnoreCase)
            ? (uint)generation
            : null;

    /// <summary>Generations of the archived logs present, ascending.</summary>
    public List<uint> ArchivedGenerations()
    {
        var gens = new List<uint>();
        foreach (var file in Directory.EnumerateFiles(Folder, BaseName + "*" + Extension))
        {
            if (GenerationOf(file) is { } g)
            {
                gens.Add(g);
            }
        }

        gens.Sort();
        return gens;
    }

    /// <summary>Reads and checks the current log's header.</summary>
    public LogFileHeader ReadCurrentHeader()
    {
        var header = new byte[LogFileHeader.Size];
        using var handle = File.OpenHandle(CurrentLogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (RandomAccess.Read(handle, header, 0) != header.Length || !XorChecksum.Verify(header))
        {
            throw new InvalidDataException($"{CurrentLogPath}: the current log's 4096-byte header is short or fails its XOR-32 checksum.");
        }

        return LogFileHeader.Parse(header);
    }

    public uint CurrentGeneration() => (uint)ReadCurrentHeader().Generation;

    /// <summary>
    /// The log tip: the position where the current log's written data ends (its last LRCHECKSUM range or segment),
    /// where the engine's next record (a backup's Begin record, §5.3) goes; the first record position when the log
    /// holds none yet.
    /// </summary>
    public LogPosition Tip()
    {
        var verifier = new LogFileVerifier(CurrentLogPath);
        verifier.Append(File.ReadAllBytes(CurrentLogPath));
        var result = verifier.Complete();
        var header = result.Header ?? ReadCurrentHeader();
        var end = Math.Max(result.RecordsEnd, (long)header.HeaderSectors * header.SectorSize);
        return new LogPosition(header.Generation, (ushort)Math.Min(end / header.SectorSize, ushort.MaxValue), (ushort)(end % header.SectorSize));
    }

    /// <summary>The sectors of the current log's header (lgpos sector of the first record).</summary>
    public ushort HeaderSectors() => ReadCurrentHeader().HeaderSectors;

    /// <summary>The checkpoint's log position: from the primary copy, or the shadow when the primary is bad.</summary>
    public LogPosition ReadCheckpoint()
    {
        var read = CheckpointReader.Read(File.ReadAllBytes(CheckpointPath));
        return read.Header?.Checkpoint
            ?? throw new InvalidDataException($"{CheckpointPath}: no valid checkpoint copy at offset 0 or 4096 ({read.Cause}).");
    }

    /// <summary>Moves the checkpoint to <paramref name="position"/> in both copies, with checksums.</summary>
    public void WriteCheckpoint(LogPosition position)
    {
        var bytes = File.ReadAllBytes(CheckpointPath);
        for (var copy = 0; copy + CheckpointHeader.Size <= bytes.Length; copy += CheckpointHeader.Size)
        {
            var page = bytes.AsSpan(copy, CheckpointHeader.Size);
            var checkpoint = CheckpointHeader.Parse(page);
            checkpoint.Checkpoint = position;
            checkpoint.Write(page);
        }

        // Crash safety: never rewritten in place (a kill would leave a torn or 0-byte checkpoint); the new copy is
        // written and flushed beside it, then renamed over it and the folder flushed.
        var temp = CheckpointPath + TempSuffix;
        WriteDurably(temp, bytes);
        File.Move(temp, CheckpointPath, overwrite: true);
        DirectoryDurability.Flush(Folder);
    }

    /// <summary>The suffix of the checkpoint's replacement while it is written.</summary>
    public const string TempSuffix = ".tmp";

    /// <summary>The next generation's log while the roll writes it (ESE's <c>&lt;base&gt;tmp.log</c>).</summary>
    public string RollTempPath => Path.Combine(Folder, BaseName + "tmp" + Extension);

    /// <summary>
    /// Recovery at open, as ESE's at init (crash safety, issue 16): a roll killed between its two renames (the
    /// current log already archived, the next generation still under its temporary name) is finished, when the
    /// temporary log is whole and of the generation after the highest archived one; a roll killed before its first
    /// rename leaves a temporary log that is deleted (the current log is still current); a checkpoint replacement
    /// killed before its rename is deleted (the checkpoint is still the old one). Returns what was done, or null.
    /// </summary>
    public string? Recover()
    {
        string? done = null;
        var temp = RollTempPath;
        if (File.Exists(temp))
        {
            if (File.Exists(CurrentLogPath))
            {
                File.Delete(temp);
                done = $"deleted {temp} (a log roll that had not begun its renames)";
            }
            else if (TempLogGeneration(temp) is { } generation && ArchivedGenerations() is { Count: > 0 } archived && archived[^1] + 1 == generation)
            {
                File.Move(temp, CurrentLogPath, overwrite: false);
                done = $"renamed {temp} to {CurrentLogPath} (finished a log roll to generation {generation})";
            }
        }

        var checkpointTemp = CheckpointPath + TempSuffix;
        if (File.Exists(checkpointTemp))
        {
            File.Delete(checkpointTemp);
            done = (done is null ? string.Empty : done + "; ") + $"deleted {checkpointTemp} (a checkpoint write that had not been renamed)";
        }

        if (done is not null)
        {
            DirectoryDurability.Flush(Folder);
        }

        return done;
    }

    private static uint? TempLogGeneration(string path)
    {
        var header = new byte[LogFileHeader.Size];
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return RandomAccess.Read(handle, header, 0) == header.Length && XorChecksum.Verify(header)
            ? (uint)LogFileHeader.Parse(header).Generation
            : null;
    }

    /// <summary>
    /// The log roll: writes the next generation as <c>&lt;base&gt;tmp</c>, renames the current log to its archived
    /// name and the new one to the current name (as the engine does). The new log has the same geometry and
    /// signature, generation + 1, the previous creation time as its "prev gen" time, a new checksum, and an empty
    /// body (v7: one closing LRCHECKSUM record then fill; v8: zero segments, "never written").
    /// Returns the new generation.
    /// </summary>
    public uint Roll(DateTimeOffset now)
    {
        var header = ReadCurrentHeader();
        var generation = (uint)header.Generation;
        var length = new FileInfo(CurrentLogPath).Length;
        var next = generation + 1;

        if (header.IsSegmentFormat)
        {
            // Segment format: the next generation records the accumulated checksum of this one's segments, which the
            // format library computes; its first segment holds the record that forced the roll.
            var current = File.ReadAllBytes(CurrentLogPath);
            var verifier = new LogFileVerifier(CurrentLogPath);
            verifier.Append(current);
            var accumulated = verifier.Complete().AccumulatedSegmentChecksum;
            var nextHeader = LogFileHeader.Parse(current).CreateNext(LogTime.FromDateTime(now.UtcDateTime), accumulated);
            var (bytes, _) = SyntheticLogWriter.BuildLog(nextHeader, segmentsWritten: 1, seed: next);
            Install(bytes, generation);
            return next;
        }

        // v7 (record checksum format): no segment checksums, so none is carried to the next generation.
        var body = new byte[length];
        header.CreateNext(LogTime.FromDateTime(now.UtcDateTime)).Write(body);
        if (length > LogFileHeader.Size + LogChecksumRecord.Size)
        {
            LogChecksumRecord.WriteEmptyChain(body.AsSpan(LogFileHeader.Size), next);
            body.AsSpan(LogFileHeader.Size + LogChecksumRecord.Size).Fill(0xDA);
        }

        Install(body, generation);
        return next;
    }

    /// <summary>
    /// The roll's file steps, each durable before the next so that a kill anywhere leaves what <see cref="Recover"/>
    /// finishes: the next log written and flushed as <see cref="RollTempPath"/>, the current log renamed to its
    /// archived name, the temporary log renamed to the current name, the folder flushed.
    /// </summary>
    private void Install(byte[] nextLog, uint generation)
    {
        var temp = RollTempPath;
        WriteDurably(temp, nextLog);
        DirectoryDurability.Flush(Folder);
        var archive = Path.Combine(Folder, ArchiveName(generation));
        if (File.Exists(archive))
        {
            throw new IOException($"{archive}: the archived log of generation {generation} already exists; the roll would overwrite it.");
        }

        // Renames (File.Move with overwrite is rename(2); without, .NET may link and unlink).
        File.Move(CurrentLogPath, archive, overwrite: true);
        File.Move(temp, CurrentLogPath, overwrite: true);
        DirectoryDurability.Flush(Folder);
    }

    private static void WriteDurably(string path, byte[] bytes)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }
}
