namespace ExternalBackup.Cli.Progress;

/// <summary>Bytes per second over the last <see cref="Window"/> of the injected clock, and the time left at that rate.</summary>
public sealed class TransferRate(TimeProvider time)
{
    /// <summary>How far back the rate looks: long enough to smooth a slow file, short enough to follow a change of speed.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private readonly Queue<(DateTimeOffset At, long Bytes)> _samples = new();
    private DateTimeOffset? _started;

    /// <summary>Time since the first observation.</summary>
    public TimeSpan Elapsed => _started is { } started ? time.GetUtcNow() - started : TimeSpan.Zero;

    /// <summary>Bytes per second, or <see langword="null"/> before two observations a moment apart.</summary>
    public double? BytesPerSecond { get; private set; }

    /// <summary>Records that <paramref name="bytesDone"/> bytes are done now.</summary>
    public void Observe(long bytesDone)
    {
        var now = time.GetUtcNow();
        _started ??= now;
        _samples.Enqueue((now, bytesDone));
        while (_samples.Count > 2 && now - _samples.Peek().At > Window)
        {
            _samples.Dequeue();
        }

        var (at, bytes) = _samples.Peek();
        var seconds = (now - at).TotalSeconds;
        if (seconds > 0)
        {
            BytesPerSecond = Math.Max(0, bytesDone - bytes) / seconds;
        }
    }

    /// <summary>The time left for <paramref name="remaining"/> bytes at the current rate, or <see langword="null"/> when it is not known.</summary>
    public TimeSpan? Remaining(long remaining) =>
        BytesPerSecond is > 0 and var rate && remaining >= 0 ? TimeSpan.FromSeconds(remaining / rate) : null;
}
