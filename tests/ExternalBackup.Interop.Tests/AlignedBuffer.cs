using System.Runtime.InteropServices;

namespace ExternalBackup.Interop.Tests;

/// <summary>Native memory aligned to the OS page (4096), as the engine demands of read buffers.</summary>
internal sealed unsafe class AlignedBuffer : IDisposable
{
    private readonly byte* _pointer;

    public AlignedBuffer(int length, int offset = 0)
    {
        Length = length;
        _pointer = (byte*)NativeMemory.AlignedAlloc((nuint)(length + offset), 4096) + offset;
        Offset = offset;
    }

    public int Length { get; }

    public int Offset { get; }

    public Span<byte> Span => new(_pointer, Length);

    public void Dispose() => NativeMemory.AlignedFree(_pointer - Offset);
}
