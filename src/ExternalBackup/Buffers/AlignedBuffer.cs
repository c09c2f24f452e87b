using System.Buffers;
using System.Runtime.InteropServices;

namespace ExternalBackup.Buffers;

/// <summary>
/// Native memory that starts on an OS page boundary, as <c>JetReadFileInstance</c> requires. Owned by an
/// <see cref="AlignedBufferPool"/>; the memory stays at one address for the buffer's lifetime, so it can be
/// handed to native code without pinning.
/// </summary>
public sealed unsafe class AlignedBuffer : MemoryManager<byte>
{
    private byte* _pointer;

    internal AlignedBuffer(int length, int alignment)
    {
        _pointer = (byte*)NativeMemory.AlignedAlloc((nuint)length, (nuint)alignment);
        Length = length;
    }

    /// <summary>The buffer's length in bytes.</summary>
    public int Length { get; }

    /// <summary>The address of the first byte.</summary>
    public nint Address => (nint)_pointer;

    /// <inheritdoc />
    public override Span<byte> GetSpan()
    {
        ObjectDisposedException.ThrowIf(_pointer is null, this);
        return new Span<byte>(_pointer, Length);
    }

    /// <inheritdoc />
    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(elementIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(elementIndex, Length);
        return new MemoryHandle(_pointer + elementIndex);
    }

    /// <inheritdoc />
    public override void Unpin()
    {
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (_pointer is not null)
        {
            NativeMemory.AlignedFree(_pointer);
            _pointer = null;
        }
    }
}
