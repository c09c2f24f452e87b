namespace ExternalBackup.Interop.Esent;

/// <summary>How <see cref="NativeEngineHost.Open"/> loads ESE and hosts an instance over existing folders.</summary>
public sealed record NativeEngineHostOptions
{
    /// <summary>
    /// The ESE library. Default <see langword="null"/>: <c>ESE_NATIVE_LIBRARY</c>, else <c>esent.dll</c> on Windows
    /// (see <see cref="EseLibrary.Resolve"/>).
    /// </summary>
    public string? LibraryPath { get; init; }

    /// <summary>JET_paramSystemPath: the folder holding the checkpoint (<c>edb.chk</c>). Required.</summary>
    public required string SystemPath { get; init; }

    /// <summary>JET_paramLogFilePath: the transaction log folder. Default <see langword="null"/>: <see cref="SystemPath"/>.</summary>
    public string? LogPath { get; init; }

    /// <summary>JET_paramTempPath: folder for the temporary database. Default <see langword="null"/>: <see cref="SystemPath"/>.</summary>
    public string? TempPath { get; init; }

    /// <summary>JET_paramBaseName: the three-letter log base name. Default <c>edb</c>.</summary>
    public string BaseName { get; init; } = "edb";

    /// <summary>JET_paramDatabasePageSize (process-wide). Default <see langword="null"/>: the engine's default, 4096.</summary>
    public int? DatabasePageSize { get; init; }

    /// <summary>
    /// JET_paramLegacyFileNames. Default <see langword="null"/>: the engine's default. Windows XP-era sets such as
    /// <c>edb0007E.log</c> use ESE98 names with 8.3 soft compatibility (3).
    /// </summary>
    public int? LegacyFileNames { get; init; }

    /// <summary>The databases to attach after <c>JetInit3W</c>, full paths. Default: none.</summary>
    public IReadOnlyList<string> Databases { get; init; } = [];

    /// <summary>The unique instance name (<c>JetCreateInstance2W</c>). Default <c>ExternalBackup</c>.</summary>
    public string InstanceName { get; init; } = "ExternalBackup";

    /// <summary>The display name. Default <see langword="null"/>.</summary>
    public string? DisplayName { get; init; }

    /// <summary>What <c>JetTerm2</c> gets on dispose. Default <see cref="TermGrbits.StopBackup"/> (ends a backup still running).</summary>
    public TermGrbits TermGrbits { get; init; } = TermGrbits.StopBackup;
}
