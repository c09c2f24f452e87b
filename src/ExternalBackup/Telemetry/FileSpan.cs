using System.Diagnostics;
using ExternalBackup.Manifest;
using ExternalBackup.Sinks;

namespace ExternalBackup.Telemetry;

/// <summary>The span of one file a backup stores (a child of the backup's), and the byte and file counts once it is stored.</summary>
internal sealed class FileSpan
{
    private readonly Activity? _activity;
    private readonly BackupFileKind _kind;
    private bool _ended;

    private FileSpan(BackupFileDescriptor file)
    {
        _kind = file.Kind;
        _activity = Instruments.Source.StartActivity(ExternalBackupTelemetry.FileActivity, ActivityKind.Internal);
        _activity?.SetTag(TelemetryTags.Path, file.Path);
        _activity?.SetTag(TelemetryTags.FileKind, KindName(file.Kind));
    }

    /// <summary>Starts the span of <paramref name="file"/> as its copy into the sink starts.</summary>
    public static FileSpan Start(BackupFileDescriptor file) => new(file);

    /// <summary>Counts a file an operation stored or wrote.</summary>
    public static void Count(string operation, BackupFileKind kind, long bytes)
    {
        var tags = new TagList { { TelemetryTags.Operation, operation }, { TelemetryTags.FileKind, KindName(kind) } };
        Instruments.Bytes.Add(bytes, tags);
        Instruments.Files.Add(1, tags);
    }

    /// <summary>The file is complete in the sink with <paramref name="bytes"/> bytes.</summary>
    public void Stored(long bytes)
    {
        _ended = true;
        Count(TelemetryTags.Backup, _kind, bytes);
        _activity?.SetTag(TelemetryTags.Bytes, bytes);
        _activity?.Dispose();
    }

    /// <summary>The backup failed while this file was being copied.</summary>
    public void Failed(Exception failure)
    {
        if (_ended)
        {
            return;
        }

        _ended = true;
        _activity?.SetTag(TelemetryTags.ErrorType, failure.GetType().FullName);
        _activity?.SetStatus(ActivityStatusCode.Error, failure.Message);
        _activity?.Dispose();
    }

    /// <summary>The kind as the manifest spells it.</summary>
    private static string KindName(BackupFileKind kind) => kind switch
    {
        BackupFileKind.Database => "database",
        BackupFileKind.Log => "log",
        BackupFileKind.Checkpoint => "checkpoint",
        _ => "other",
    };
}
