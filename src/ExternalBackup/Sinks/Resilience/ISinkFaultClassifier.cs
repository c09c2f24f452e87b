namespace ExternalBackup.Sinks.Resilience;

/// <summary>
/// The one classification contract of the resilience stack: a sink implements it to say which of its failures are
/// worth retrying. <see cref="ResilientSink"/> asks the sink it wraps (or <see cref="SinkFaults.Classifier"/> when the
/// sink does not implement it), and the S3 sink's per-request retries ask the S3 sink's own classifier; both go
/// through <see cref="SinkResiliencePipeline"/>. The pipeline itself never retries a cancellation by the caller,
/// and always retries an attempt that ran past <see cref="SinkResilienceOptions.AttemptTimeout"/>.
/// </summary>
public interface ISinkFaultClassifier
{
    /// <summary>Whether <paramref name="exception"/>, thrown by one of the sink's calls, is transient, and any <c>Retry-After</c>.</summary>
    SinkFault Classify(Exception exception);
}
