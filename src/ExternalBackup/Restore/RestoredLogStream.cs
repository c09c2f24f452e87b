namespace ExternalBackup.Restore;

/// <summary>
/// One log stream of a restore (<c>restore.json</c>'s <c>logStreams[]</c>): the inputs of one
/// <c>JetExternalRestore2</c> call. A set of one component has one; a snapshot set of several components
/// (<c>logs/&lt;component&gt;/</c>) has one per component, each with its own log folder, base name, generations,
/// checkpoint and databases.
/// </summary>
public sealed record RestoredLogStream
{
    /// <summary>The component's name (the segment below <c>logs/</c>), or <see langword="null"/> in a set of one component.</summary>
    public string? Component { get; init; }

    /// <summary>Folder of the stream's restored logs (<c>szBackupLogPath</c>).</summary>
    public required string LogFolder { get; init; }

    /// <summary>The stream's three-letter log base name (<c>JET_LOGINFO.szBaseName</c>).</summary>
    public string? LogBaseName { get; init; }

    /// <summary>The stream's first log generation (<c>JET_LOGINFO.ulGenLow</c>).</summary>
    public long? GenLow { get; init; }

    /// <summary>The stream's last log generation (<c>JET_LOGINFO.ulGenHigh</c>).</summary>
    public long? GenHigh { get; init; }

    /// <summary>The stream's restored checkpoint file, when the set has one for it.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>The folder of that checkpoint (<c>szCheckpointFilePath</c>), or <see langword="null"/>.</summary>
    public string? CheckpointFolder { get; init; }

    /// <summary>The databases recovered with this stream (<c>JET_RSTMAP</c>).</summary>
    public required IReadOnlyList<RestoredDatabase> Databases { get; init; }
}
