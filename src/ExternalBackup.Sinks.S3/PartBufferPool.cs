namespace ExternalBackup.Sinks.S3;

/// <summary>
/// A fixed number of reusable part buffers. Renting waits while all are out, which bounds both memory and the
/// uploads in flight.
/// </summary>
internal sealed class PartBufferPool : IDisposable
{
    private readonly SemaphoreSlim _available;
    private readonly Stack<byte[]> _free = new();
    private readonly Lock _gate = new();

    public PartBufferPool(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Capacity = count;
        _available = new SemaphoreSlim(count, count);
    }

    /// <summary>How many buffers may be out at once.</summary>
    public int Capacity { get; }

    /// <summary>Total bytes of the buffers allocated so far (a measure of peak memory).</summary>
    public long AllocatedBytes { get; private set; }

    /// <summary>A buffer of at least <paramref name="size"/> bytes; waits while all buffers are out.</summary>
    public async ValueTask<byte[]> RentAsync(int size, CancellationToken cancellationToken)
    {
        await _available.WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            while (_free.TryPop(out var buffer))
            {
                if (buffer.Length >= size)
                {
                    return buffer;
                }

                AllocatedBytes -= buffer.Length;
            }

            AllocatedBytes += size;
        }

        return GC.AllocateUninitializedArray<byte>(size);
    }

    /// <summary>Gives a rented buffer back.</summary>
    public void Return(byte[] buffer)
    {
        lock (_gate)
        {
            _free.Push(buffer);
        }

        _available.Release();
    }

    public void Dispose() => _available.Dispose();
}
