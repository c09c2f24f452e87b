using ExternalBackup.Formats.Checkpoint;
using ExternalBackup.Formats.Checksums;
using ExternalBackup.Formats.Log;
using ExternalBackup.Formats.Primitives;
using ExternalBackup.Formats.Verification;
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

        WriteDurably(CheckpointPath, bytes);
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
            var nextTemp = Path.Combine(Folder, BaseName + "tmp" + Extension);
            WriteDurably(nextTemp, bytes);
            File.Move(CurrentLogPath, Path.Combine(Folder, ArchiveName(generation)));
            File.Move(nextTemp, CurrentLogPath);
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

        var temp = Path.Combine(Folder, BaseName + "tmp" + Extension);
        WriteDurably(temp, body);
        File.Move(CurrentLogPath, Path.Combine(Folder, ArchiveName(generation)));
        File.Move(temp, CurrentLogPath);
        return next;
    }

    private static void WriteDurably(string path, byte[] bytes)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }
}
