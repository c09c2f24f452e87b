namespace ExternalBackup.Sinks.S3;

/// <summary>Counts of what an <see cref="S3Sink"/> sent, for progress reports, tests and benchmarks.</summary>
/// <param name="PartsUploaded">UploadPart requests that succeeded.</param>
/// <param name="PartsSkipped">Parts not sent because a resumed set's journal showed them acknowledged with the same SHA-256.</param>
/// <param name="ObjectsPut">Files (and the manifest) sent with one PutObject.</param>
/// <param name="FilesSkipped">Small files not sent again because the journal showed them stored with the same SHA-256.</param>
/// <param name="BytesUploaded">Payload bytes acknowledged by the store.</param>
/// <param name="BufferBytes">The bytes of part buffers allocated: the sink's peak buffer memory.</param>
public sealed record S3SinkStatistics(long PartsUploaded, long PartsSkipped, long ObjectsPut, long FilesSkipped, long BytesUploaded, long BufferBytes);
