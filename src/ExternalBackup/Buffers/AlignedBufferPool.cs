using System.Collections.Concurrent;

namespace ExternalBackup.Buffers;

/// <summary>
/// A fixed set of <see cref="AlignedBuffer"/>s of one size. Memory use is <c>count × size</c> whatever the
/// size of the files copied; <see cref="Rent"/> blocks when all buffers are out (the engine reader runs on a thread of its own).
/// </summary>
public sealed class AlignedBufferPool : IDisposable
{
    private readonly ConcurrentBag<AlignedBuffer> _free = [];
    private readonly List<AlignedBuffer> _all = [];
    private readonly SemaphoreSlim _available;

    /// <summary>Allocates <paramref name="count"/> buffers of <paramref name="bufferSize"/> bytes aligned to <paramref name="alignment"/>.</summary>
    public AlignedBufferPool(int bufferSize, int count, int alignment = 4096)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (alignment <= 0 || (alignment & (alignment - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(alignment), alignment, "must be a power of two");
        }

        BufferSize = bufferSize;
        for (var i = 0; i < count; i++)
        {
            var buffer = new AlignedBuffer(bufferSize, alignment);
            _all.Add(buffer);
            _free.Add(buffer);
        }

        _available = new SemaphoreSlim(count, count);
    }

    /// <summary>The size of every buffer.</summary>
    public int BufferSize { get; }

    /// <summary>Takes a free buffer, blocking the calling thread until one is returned when none is free.</summary>
    public AlignedBuffer Rent(CancellationToken cancellationToken)
    {
        _available.Wait(cancellationToken);
        return _free.TryTake(out var buffer) ? buffer : throw new InvalidOperationException("buffer pool out of step");
    }

    /// <summary>Gives a buffer back.</summary>
    public void Return(AlignedBuffer buffer)
    {
        _free.Add(buffer);
        _available.Release();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var buffer in _all)
        {
            ((IDisposable)buffer).Dispose();
        }

        _available.Dispose();
    }
}
