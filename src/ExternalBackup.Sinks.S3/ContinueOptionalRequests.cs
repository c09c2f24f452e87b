namespace ExternalBackup.Sinks.S3.Requests;

// These two keep the SDK's type names on purpose: the SDK picks per-operation endpoint rules by the request's type
// name, so a subclass named otherwise loses its bucket from the path.

/// <summary>
/// The SDK's <see cref="Amazon.S3.Model.UploadPartRequest"/> with its <c>Expect: 100-continue</c> handshake made
/// optional (<see cref="S3SinkOptions.ExpectContinue"/>).
/// </summary>
internal sealed class UploadPartRequest(bool expectContinue) : Amazon.S3.Model.UploadPartRequest
{
    protected override bool Expect100Continue => expectContinue;
}

/// <summary>The SDK's <see cref="Amazon.S3.Model.PutObjectRequest"/> with <see cref="S3SinkOptions.ExpectContinue"/> applied.</summary>
internal sealed class PutObjectRequest(bool expectContinue) : Amazon.S3.Model.PutObjectRequest
{
    protected override bool Expect100Continue => expectContinue;
}
