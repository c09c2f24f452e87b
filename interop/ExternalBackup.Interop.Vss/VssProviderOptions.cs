namespace ExternalBackup.Interop.Vss;

/// <summary>Options of <see cref="VssSnapshotProvider"/>.</summary>
public sealed record VssProviderOptions
{
    /// <summary>How long one <c>IVssAsync::Wait</c> blocks before cancellation is checked; default 250 ms.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Whether the provider calls <c>CoInitializeSecurity</c> (packet privacy, impersonate, static cloaking) before the
    /// first session; default <see langword="true"/>. VSS writers cannot call back into a process without COM
    /// security; a host that already set it (RPC_E_TOO_LATE) keeps its own settings, which then must allow the callbacks.
    /// </summary>
    public bool InitializeComSecurity { get; init; } = true;

    /// <summary>Writers to treat as ESE writers besides <see cref="EseWriters.All"/>; default none.</summary>
    public IReadOnlyCollection<Guid> ExtraEseWriterIds { get; init; } = [];
}
