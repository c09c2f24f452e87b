using ExternalBackup.Formats.Primitives;

namespace ExternalBackup.Testing.Synthesis;

/// <summary>What <see cref="SyntheticLogWriter.WriteLogSetAsync"/> writes. Defaults: generations 1..4 of base <c>edb</c>, 128 KiB v8 logs.</summary>
public sealed record SyntheticLogSetOptions
{
    /// <summary>The 3-character log base. Default <c>edb</c>.</summary>
    public string BaseName { get; init; } = "edb";

    /// <summary>The first generation written. Default 1.</summary>
    public int FirstGeneration { get; init; } = 1;

    /// <summary>How many generations; the last is written as the current log <c>&lt;base&gt;.log</c>. Default 4.</summary>
    public int Count { get; init; } = 4;

    /// <summary>Log file size in bytes (multiple of 4096). Default 128 KiB.</summary>
    public int LogFileSize { get; init; } = 128 * 1024;

    /// <summary>Segments holding data in each log (the rest are zero). Default 8.</summary>
    public int SegmentsWritten { get; init; } = 8;

    /// <summary>The log stream signature (must equal the databases' log signature). Default as <see cref="SyntheticDatabaseOptions.LogSignature"/>.</summary>
    public Signature LogSignature { get; init; } = new SyntheticDatabaseOptions().LogSignature;

    /// <summary>Creation time of the first generation; each next one is a second later. Default 2024-01-02 03:05:00 UTC.</summary>
    public DateTime FirstCreated { get; init; } = new(2024, 1, 2, 3, 5, 0, DateTimeKind.Utc);

    /// <summary>Write the checkpoint <c>&lt;base&gt;.chk</c>. Default true.</summary>
    public bool WriteCheckpoint { get; init; } = true;

    /// <summary>The checkpoint position; default (last generation, 1, 0).</summary>
    public LogPosition? Checkpoint { get; init; }

    /// <summary>Also write two all-zero reserve logs <c>&lt;base&gt;res00001.jrs</c>, <c>&lt;base&gt;res00002.jrs</c>. Default false.</summary>
    public bool WriteReserveLogs { get; init; }

    /// <summary>Database page size recorded in log headers. Default 4096.</summary>
    public int DatabasePageSize { get; init; } = 4096;

    /// <summary>Seed of the segment content. Default 7.</summary>
    public ulong Seed { get; init; } = 7;
}
