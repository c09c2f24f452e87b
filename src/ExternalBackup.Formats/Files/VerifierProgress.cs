namespace ExternalBackup.Formats.Files;

/// <summary>
/// How far a verification of files and folders is (<see cref="EseFileVerifierOptions.Progress"/>): reported as each
/// file begins and after every buffer read, the bytes and files only ever going up.
/// </summary>
/// <param name="FilesDone">Files verified so far.</param>
/// <param name="FilesTotal">Files to verify.</param>
/// <param name="BytesDone">Bytes read so far (a refused file counts its length as done without being read).</param>
/// <param name="BytesTotal">The files' lengths when the verification began.</param>
/// <param name="CurrentFile">The file being verified; <see langword="null"/> in the last report.</param>
public sealed record VerifierProgress(int FilesDone, int FilesTotal, long BytesDone, long BytesTotal, string? CurrentFile);
