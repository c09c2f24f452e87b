namespace ExternalBackup.Snapshots;

/// <summary>
/// A source of application-consistent snapshots: VSS on Windows (<c>ExternalBackup.Interop.Vss</c>) or the
/// in-process provider model of <c>ExternalBackup.Testing</c>. Each backup opens its own session.
/// </summary>
public interface ISnapshotProvider
{
    /// <summary>A short name for logs and manifests (e.g. <c>vss</c>, <c>model</c>).</summary>
    string Name { get; }

    /// <summary>Whether the provider can work on this machine; when <see langword="false"/>, <see cref="UnavailableReason"/> says why.</summary>
    bool IsAvailable { get; }

    /// <summary>Why the provider cannot work here (e.g. "VSS is available only on Windows"), or <see langword="null"/>.</summary>
    string? UnavailableReason { get; }

    /// <summary>Opens a new backup session; throws <see cref="SnapshotException"/> (step <see cref="SnapshotStep.OpenSession"/>) when it cannot.</summary>
    ValueTask<ISnapshotSession> OpenSessionAsync(CancellationToken cancellationToken);
}
