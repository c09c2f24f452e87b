namespace ExternalBackup.Formats.Verification;

/// <summary>The verification of one file: its kind, its findings and the kind-specific details.</summary>
public sealed record FileVerification
{
    /// <summary>The file.</summary>
    public required string Path { get; init; }

    /// <summary>What the file is.</summary>
    public required EseFileKind Kind { get; init; }

    /// <summary>Findings about this file alone, plus set-level findings that name it (missing logs it needs, foreign signature).</summary>
    public required IReadOnlyList<VerificationProblem> Problems { get; init; }

    /// <summary>Details for a database.</summary>
    public DatabaseVerification? Database { get; init; }

    /// <summary>Details for a log (also for a temporary log that has a header).</summary>
    public LogFileVerification? Log { get; init; }

    /// <summary>Details for a checkpoint.</summary>
    public CheckpointVerification? Checkpoint { get; init; }

    /// <summary>The file size in bytes.</summary>
    public long Length { get; init; }

    /// <summary>True when no finding is an error.</summary>
    public bool Ok => Problems.All(p => p.IsWarning);
}
