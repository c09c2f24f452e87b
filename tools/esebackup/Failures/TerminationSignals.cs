using System.Runtime.InteropServices;

namespace ExternalBackup.Cli.Failures;

/// <summary>
/// SIGINT (Ctrl+C) and SIGTERM cancel <see cref="Token"/> instead of ending the process, so the running command
/// aborts cleanly (the engine's backup ended with abort, staging removed) and exits 130. A second signal is left to
/// its default: the process ends at once.
/// </summary>
public sealed class TerminationSignals : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly PosixSignalRegistration[] _registrations;

    /// <summary>Starts handling the signals (until <see cref="Dispose"/>).</summary>
    public TerminationSignals() => _registrations = [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM }.Select(Register).OfType<PosixSignalRegistration>()];

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _cancel.Dispose();
    }

    /// <summary>Handles <paramref name="signal"/>, or returns <see langword="null"/> where the platform cannot (the signal then keeps its default).</summary>
    private PosixSignalRegistration? Register(PosixSignal signal)
    {
        try
        {
            return PosixSignalRegistration.Create(signal, Handle);
        }
        catch (Exception e) when (e is PlatformNotSupportedException or IOException)
        {
            return null;
        }
    }

    private void Handle(PosixSignalContext context)
    {
        if (_cancel.IsCancellationRequested)
        {
            return;
        }

        context.Cancel = true;
        ThreadPool.QueueUserWorkItem(_ =>
        {
            try
            {
                _cancel.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The command had already ended.
            }
        });
    }
}
