using System.Diagnostics;
using ExternalBackup.Manifest;
using ExternalBackup.Restore;

namespace ExternalBackup.Telemetry;

/// <summary>
/// The telemetry of one backup or restore: its span, and its duration (on the operation's clock) recorded once it
/// ends. Ending without <see cref="Succeeded(BackupManifest, bool)"/> or <see cref="Failed"/> (an exception thrown
/// before the operation's own handler) counts as a failure.
/// </summary>
internal sealed class OperationSpan : IDisposable
{
    private readonly Activity? _activity;
    private readonly string _operation;
    private readonly string? _kind;
    private readonly TimeProvider _time;
    private readonly long _started;
    private bool _ended;

    private OperationSpan(string activityName, string operation, string? kind, string? setId, TimeProvider time)
    {
        _operation = operation;
        _kind = kind;
        _time = time;
        _started = time.GetTimestamp();
        _activity = Instruments.Source.StartActivity(activityName, ActivityKind.Internal);
        _activity?.SetTag(TelemetryTags.Kind, kind);
        _activity?.SetTag(TelemetryTags.SetId, setId);
    }

    /// <summary>Starts the span of a backup of <paramref name="kind"/> into set <paramref name="setId"/>.</summary>
    public static OperationSpan Backup(string setId, BackupKind kind, TimeProvider time) =>
        new(ExternalBackupTelemetry.BackupActivity, TelemetryTags.Backup, kind.Name(), setId, time);

    /// <summary>Starts the span of a restore of the chain ending with <paramref name="setId"/> (the newest when <see langword="null"/>).</summary>
    public static OperationSpan Restore(string? setId, TimeProvider time) =>
        new(ExternalBackupTelemetry.RestoreActivity, TelemetryTags.Restore, null, setId, time);

    /// <summary>The backup committed <paramref name="manifest"/>.</summary>
    public void Succeeded(BackupManifest manifest, bool logsTruncated)
    {
        _activity?.SetTag(TelemetryTags.Instance, manifest.Instance);
        _activity?.SetTag(TelemetryTags.Files, manifest.Files.Count);
        _activity?.SetTag(TelemetryTags.Bytes, manifest.Files.Sum(f => f.Bytes));
        _activity?.SetTag(TelemetryTags.LogsTruncated, logsTruncated);
        End(TelemetryTags.Success, null);
    }

    /// <summary>The restore placed every file of <paramref name="plan"/>, which are <paramref name="files"/>.</summary>
    public void Succeeded(RestorePlan plan, IEnumerable<ManifestFile> files)
    {
        long count = 0;
        long bytes = 0;
        foreach (var file in files)
        {
            FileSpan.Count(TelemetryTags.Restore, file.Kind, file.Bytes);
            count++;
            bytes += file.Bytes;
        }

        _activity?.SetTag(TelemetryTags.Instance, plan.Instance);
        _activity?.SetTag(TelemetryTags.SetId, plan.Sets.Count > 0 ? plan.Sets[^1] : null);
        _activity?.SetTag(TelemetryTags.Files, count);
        _activity?.SetTag(TelemetryTags.Bytes, bytes);
        End(TelemetryTags.Success, null);
    }

    /// <summary>The operation failed, or was cancelled, with <paramref name="failure"/>.</summary>
    public void Failed(Exception failure) =>
        End(failure is OperationCanceledException ? TelemetryTags.Cancelled : TelemetryTags.Failure, failure);

    /// <inheritdoc />
    public void Dispose() => End(TelemetryTags.Failure, null);

    private void End(string outcome, Exception? failure)
    {
        if (_ended)
        {
            return;
        }

        _ended = true;
        var tags = new TagList { { TelemetryTags.Operation, _operation }, { TelemetryTags.Outcome, outcome } };
        if (_kind is not null)
        {
            tags.Add(TelemetryTags.Kind, _kind);
        }

        if (outcome != TelemetryTags.Success)
        {
            var errorType = failure?.GetType().FullName ?? "_OTHER";
            tags.Add(TelemetryTags.ErrorType, errorType);
            _activity?.SetTag(TelemetryTags.ErrorType, errorType);
            _activity?.SetStatus(ActivityStatusCode.Error, failure?.Message ?? outcome);
        }

        Instruments.Duration.Record(_time.GetElapsedTime(_started).TotalSeconds, tags);
        _activity?.Dispose();
    }
}
