using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using ExternalBackup.Formats.Checkpoint;
using ExternalBackup.Formats.Checksums;
using ExternalBackup.Formats.Database;
using ExternalBackup.Formats.Files;
using ExternalBackup.Formats.Inspection;
using ExternalBackup.Formats.Log;
using ExternalBackup.Formats.Verification;

namespace ExternalBackup.Cli.Commands;

/// <summary>
/// <c>esebackup inspect FILE [--json]</c>: prints a database, log or checkpoint header with eseutil's labels
/// (/mh, /ml, /mk). Exit 0 when the header is valid, 1 when it is corrupt, 2 on usage or I/O errors.
/// </summary>
public static class InspectCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create(CliConsole? console = null)
    {
        var file = new Argument<string>("file") { Description = "A database, log or checkpoint file" };
        var json = new Option<bool>("--json") { Description = "Print the header fields as one JSON object" };
        var command = new Command("inspect", "Print a database, log or checkpoint header, like eseutil /mh, /ml and /mk");
        command.Arguments.Add(file);
        command.Options.Add(json);
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(file)!, parse.GetValue(json), console?.Out ?? Console.Out, ct));
        return command;
    }

    /// <summary>Prints the header; returns the exit code. A file that cannot be read or whose header is corrupt throws (<see cref="IOException"/>, <see cref="InvalidDataException"/>) for the command line's failure mapping.</summary>
    public static async Task<int> RunAsync(string path, bool json, TextWriter output, CancellationToken cancellationToken)
    {
        // I/O errors and corrupt headers reach the command line's one failure mapping (Failures/): exit 2 and 1.
        var kind = await EseFileVerifier.ClassifyAsync(path, treatUnknownAsDatabase: true, cancellationToken).ConfigureAwait(false);
        var head = await ReadHeadAsync(path, cancellationToken).ConfigureAwait(false);

        JsonObject? node = null;
        switch (kind)
        {
            case EseFileKind.Database:
            {
                var read = DatabaseHeaderReader.Read(head);
                if (read.Header is null)
                {
                    throw new InvalidDataException($"{path}: {read.Cause}");
                }

                if (json)
                {
                    node = HeaderJson.Database(read.Header, read.Status);
                }
                else
                {
                    var copy = read.Status == HeaderCopyStatus.PrimaryBad ? head.AsSpan(read.PageSize, read.PageSize) : head.AsSpan(0, read.PageSize);
                    EseutilHeaderText.WriteDatabase(output, path, read.Header, read.Status, XorChecksum.Compute(copy));
                }

                break;
            }

            case EseFileKind.Log:
            case EseFileKind.Temporary:
            {
                if (LogFileHeader.Verify(head) is { } cause)
                {
                    throw new InvalidDataException($"{path}: {cause}");
                }

                var h = LogFileHeader.Parse(head);
                if (json)
                {
                    node = HeaderJson.Log(h);
                }
                else
                {
                    EseutilHeaderText.WriteLog(output, path, h);
                }

                break;
            }

            case EseFileKind.Checkpoint:
            {
                var read = CheckpointReader.Read(head.AsSpan(0, Math.Min(head.Length, CheckpointHeader.FileSize)));
                if (read.Header is null)
                {
                    throw new InvalidDataException($"{path}: {read.Cause}");
                }

                if (json)
                {
                    node = HeaderJson.Checkpoint(read.Header, read.Status);
                }
                else
                {
                    EseutilHeaderText.WriteCheckpoint(output, path, read.Header, read.Status);
                }

                break;
            }

            default:
                throw new ArgumentException($"{path}: a {kind.ToString().ToLowerInvariant()} file has no header to inspect");
        }

        if (node is not null)
        {
            node["path"] = path;
            await output.WriteLineAsync(Json.CliJson.Text(Json.CliJson.Result("inspect", true, node))).ConfigureAwait(false);
        }

        return VerifyCommand.Verified;
    }

    private static async Task<byte[]> ReadHeadAsync(string path, CancellationToken cancellationToken)
    {
        var buffer = new byte[DatabaseHeaderReader.BytesNeeded];
        var stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            var n = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            return buffer.AsSpan(0, n).ToArray();
        }
    }
}
