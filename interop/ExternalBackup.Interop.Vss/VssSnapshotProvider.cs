using System.Runtime.InteropServices;
using ExternalBackup.Interop.Vss.Native;
using ExternalBackup.Snapshots;

namespace ExternalBackup.Interop.Vss;

/// <summary>
/// Snapshots through the Volume Shadow Copy Service, as a requestor in component mode (VSS_CTX_BACKUP), driving the
/// ESE writers (<see cref="EseWriters"/>). Windows only; elsewhere <see cref="IsAvailable"/> is <see langword="false"/>
/// and <see cref="OpenSessionAsync"/> throws with <see cref="UnavailableMessage"/>. The process must run as an
/// administrator or backup operator, 64-bit on 64-bit Windows.
/// </summary>
public sealed class VssSnapshotProvider : ISnapshotProvider
{
    /// <summary>The message given wherever VSS is asked for off Windows.</summary>
    public const string UnavailableMessage = "VSS is available only on Windows";

    private readonly VssProviderOptions _options;
    private readonly Lock _gate = new();
    private bool _comReady;

    /// <summary>Creates the provider.</summary>
    public VssSnapshotProvider(VssProviderOptions? options = null) => _options = options ?? new VssProviderOptions();

    /// <inheritdoc />
    public string Name => "vss";

    /// <inheritdoc />
    public bool IsAvailable => OperatingSystem.IsWindows();

    /// <inheritdoc />
    public string? UnavailableReason => IsAvailable ? null : $"{UnavailableMessage} (this is {RuntimeInformation.OSDescription})";

    /// <inheritdoc />
    public async ValueTask<ISnapshotSession> OpenSessionAsync(CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsWindows())
        {
            throw new SnapshotException(SnapshotStep.OpenSession, UnavailableReason!);
        }

        return await Task.Run<ISnapshotSession>(() => OperatingSystem.IsWindows() ? Open() : throw new PlatformNotSupportedException(UnavailableMessage), cancellationToken).ConfigureAwait(false);
    }

    [System.Runtime.Versioning.SupportedOSPlatform("windows")]
    private VssSnapshotSession Open()
    {
        PrepareCom();
        return new VssSnapshotSession(new VssBackupComponents(_options.PollInterval), _options);
    }

    [System.Runtime.Versioning.SupportedOSPlatform("windows")]
    private void PrepareCom()
    {
        var hr = VssApi.CoInitializeEx(IntPtr.Zero, VssConstants.CoInitMultithreaded);
        if (hr < 0 && hr != VssConstants.RpcEChangedMode)
        {
            throw new SnapshotException(SnapshotStep.OpenSession, $"CoInitializeEx returned {VssErrorNames.Of(hr)}", hr);
        }

        lock (_gate)
        {
            if (_comReady || !_options.InitializeComSecurity)
            {
                return;
            }

            hr = VssApi.CoInitializeSecurity(IntPtr.Zero, -1, IntPtr.Zero, IntPtr.Zero, VssConstants.RpcAuthnLevelPktPrivacy, VssConstants.RpcImpLevelImpersonate, IntPtr.Zero, VssConstants.EoacStaticCloaking, IntPtr.Zero);
            if (hr < 0 && hr != VssConstants.RpcETooLate)
            {
                throw new SnapshotException(SnapshotStep.OpenSession, $"CoInitializeSecurity returned {VssErrorNames.Of(hr)}", hr);
            }

            _comReady = true;
        }
    }
}
