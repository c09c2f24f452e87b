namespace ExternalBackup.Sinks.S3;

/// <summary>Counts of what an <see cref="S3Sink"/> sent, for progress reports, tests and benchmarks.</summary>
/// <param name="PartsUploaded">UploadPart requests that succeeded.</param>
/// <param name="PartsSkipped">Parts whose bytes were not sent again because a resumed set's journal showed them acknowledged with the same size and MD5 ETag (reused, or copied within the store).</param>
/// <param name="ObjectsPut">Files sent with one PutObject (the manifest is not counted).</param>
/// <param name="FilesSkipped">Files not sent again because the journal showed them stored: small files with the same SHA-256, multipart objects whose every part matched.</param>
/// <param name="BytesUploaded">Payload bytes acknowledged by the store.</param>
/// <param name="BufferBytes">The bytes of part buffers allocated: the sink's peak buffer memory.</param>
public sealed record S3SinkStatistics(long PartsUploaded, long PartsSkipped, long ObjectsPut, long FilesSkipped, long BytesUploaded, long BufferBytes);
