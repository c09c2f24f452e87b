using ExternalBackup.Pipeline;
using ExternalBackup.Engine;
using Microsoft.Extensions.Logging;

namespace ExternalBackup.Sources.Engine;

/// <summary>A file the engine opened: <c>JetReadFileInstance</c> until it returns 0, then <c>JetCloseFileInstance</c>. Never retried.</summary>
internal sealed class EngineFileReader(IExternalBackupEngine engine, string name, BackupFileHandle handle, ILogger logger) : ISourceFileReader
{
    private bool _open = true;

    /// <inheritdoc />
    public long Length => handle.Size;

    /// <inheritdoc />
    public int Read(Span<byte> buffer, long offset) => engine.ReadFile(handle, buffer);

    /// <inheritdoc />
    public void Complete()
    {
        engine.CloseFile(handle);
        _open = false;
    }

    /// <inheritdoc />
    public string LengthMismatch(long streamed) =>
        streamed > handle.Size
            ? $"'{name}': the engine streamed past the {handle.Size} bytes it announced (offset {streamed})"
            : $"'{name}': the engine announced {handle.Size} bytes at open but streamed {streamed}";

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_open)
        {
            return;
        }

        _open = false;
        try
        {
            engine.CloseFile(handle);
        }
        catch (EseException e)
        {
            PipelineEvents.SourceCloseFailed(logger, e, name);
        }
    }
}
