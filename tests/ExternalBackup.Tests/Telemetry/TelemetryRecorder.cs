using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using ExternalBackup.Telemetry;

namespace ExternalBackup.Tests.Telemetry;

/// <summary>Listens to ExternalBackup's activity source and meter (synchronously: every span and measurement is here when the operation returns).</summary>
internal sealed class TelemetryRecorder : IDisposable
{
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters = new();

    public TelemetryRecorder()
    {
        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ExternalBackupTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_activities);
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ExternalBackupTelemetry.Name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Measurements.Enqueue(new Measurement(instrument.Name, value, Tags(tags))));
        _meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Measurements.Enqueue(new Measurement(instrument.Name, value, Tags(tags))));
        _meters.Start();
    }

    /// <summary>The spans that ended, in the order they ended.</summary>
    public ConcurrentQueue<Activity> Stopped { get; } = new();

    public ConcurrentQueue<Measurement> Measurements { get; } = new();

    public List<Activity> Spans(string name) => Stopped.Where(a => a.OperationName == name).ToList();

    /// <summary>The measurements of <paramref name="instrument"/> whose tags include every pair of <paramref name="tags"/>.</summary>
    public List<Measurement> Of(string instrument, params (string Name, string Value)[] tags) =>
        Measurements.Where(m => m.Instrument == instrument && tags.All(t => m.Tags.TryGetValue(t.Name, out var v) && v == t.Value)).ToList();

    public double Sum(string instrument, params (string Name, string Value)[] tags) => Of(instrument, tags).Sum(m => m.Value);

    public void Dispose()
    {
        _meters.Dispose();
        _activities.Dispose();
    }

    private static Dictionary<string, string?> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var map = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (name, value) in tags)
        {
            map[name] = value?.ToString();
        }

        return map;
    }

    internal sealed record Measurement(string Instrument, double Value, Dictionary<string, string?> Tags);
}
