namespace ExternalBackup.Tests.Pipeline;

/// <summary>Keeps every report, in the order they were made (unlike <see cref="Progress{T}"/>, which posts them to the thread pool).</summary>
internal sealed class ProgressRecorder<T> : IProgress<T>
{
    private readonly Lock _gate = new();
    private readonly List<T> _reports = [];

    public IReadOnlyList<T> Reports
    {
        get
        {
            lock (_gate)
            {
                return [.. _reports];
            }
        }
    }

    public void Report(T value)
    {
        lock (_gate)
        {
            _reports.Add(value);
        }
    }
}
