using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ExternalBackup.Formats.Files;
using ExternalBackup.Formats.Verification;

namespace ExternalBackup.Cli.Commands;

/// <summary>
/// <c>esebackup verify PATH... [--json]</c>: checks every page of databases, every log and checkpoint, and the log
/// sets of folders (like eseutil /k and /ml). Exit 0 when everything verifies, 1 when anything is corrupt,
/// 2 on usage or I/O errors.
/// </summary>
public static class VerifyCommand
{
    /// <summary>Exit code: everything verified.</summary>
    public const int Verified = 0;

    /// <summary>Exit code: something is corrupt or missing.</summary>
    public const int Corrupt = 1;

    /// <summary>Exit code: usage or I/O error.</summary>
    public const int UsageOrIoError = 2;

    /// <summary>Creates the command; <paramref name="console"/> receives the output (default: the process's standard output and error).</summary>
    public static Command Create(CliConsole? console = null)
    {
        var paths = new Argument<string[]>("paths") { Arity = ArgumentArity.OneOrMore, Description = "Database, log or checkpoint files, or folders (walked recursively); or one backup destination (a folder of sets, tar:FILE, s3://bucket/prefix): every set is verified against its manifest" };
        var s3Endpoint = new Option<string?>("--s3-endpoint") { Description = "for s3:// destinations: the endpoint URL (default: S3_ENDPOINT, then AWS)" };
        var s3Region = new Option<string?>("--s3-region") { Description = "for s3:// destinations: the region (default: S3_REGION, then us-east-1)" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of text" };
        var command = new Command("verify", "Verify ESE databases (every page checksum), logs, checkpoints and log sets, like eseutil /k and /ml");
        command.Arguments.Add(paths);
        command.Options.Add(json);
        command.Options.Add(s3Endpoint);
        command.Options.Add(s3Region);
        command.SetAction((parse, ct) =>
        {
            var output = console ?? new CliConsole(Console.Out, Console.Error);
            var given = parse.GetValue(paths) ?? [];
            return given.Length == 1 && RepositoryAddress.IsDestination(given[0])
                ? VerifyDestination.RunAsync(output, given[0], null, parse.GetValue(json), new S3Settings(Endpoint: parse.GetValue(s3Endpoint), Region: parse.GetValue(s3Region)), ct, Logging.CliLogging.Open(parse, output, parse.GetValue(json)))
                : RunWithProgressAsync(given, parse, output, ct);
        });
        return command;
    }

    private static async Task<int> RunWithProgressAsync(IReadOnlyList<string> paths, ParseResult parse, CliConsole console, CancellationToken cancellationToken)
    {
        var json = parse.GetValue<bool>("--json");
        using var log = Logging.CliLogging.Open(parse, console, json);
        using var progress = Progress.CliProgress.Open(log, console, "verify");
        return await RunAsync(paths, json, console.Out, console.Error, cancellationToken, progress.Files()).ConfigureAwait(false);
    }

    /// <summary>Runs the verification and writes the report; returns the exit code. <paramref name="progress"/> hears how far it is.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> paths, bool json, TextWriter output, TextWriter error, CancellationToken cancellationToken, IProgress<VerifierProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(error);

        // An I/O error reaches the command line's one failure mapping (Failures/): one line, exit 2.
        var report = await new EseFileVerifier(new EseFileVerifierOptions { RefuseBeforeOpening = Platform.LocalFileCheck.WhyNotRead, Progress = progress }).VerifyAsync(paths, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (json)
        {
            await output.WriteLineAsync(Json.CliJson.Text(Json.CliJson.Result("verify", report.Ok, ToJson(report)))).ConfigureAwait(false);
        }
        else
        {
            WriteText(report, output);
        }

        return report.Ok ? Verified : Corrupt;
    }

    /// <summary>The report as the JSON object <c>verify --json</c> prints.</summary>
    public static JsonObject ToJson(VerificationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var files = new JsonArray();
        foreach (var f in report.Files)
        {
            var o = new JsonObject
            {
                ["path"] = f.Path,
                ["kind"] = KindName(f.Kind),
                ["ok"] = f.Ok,
                ["bytes"] = f.Length,
            };
            if (f.Database is { } d)
            {
                o["pageSize"] = d.PageSize;
                o["pagesSeen"] = d.PagesSeen;
                o["pagesChecked"] = d.PagesChecked;
                o["uninitializedPages"] = d.UninitializedPages;
                o["badPages"] = new JsonArray([.. d.BadPages.Select(p => (JsonNode)p)]);
                o["correctablePages"] = new JsonArray([.. d.CorrectablePages.Select(c => (JsonNode)new JsonObject { ["page"] = c.Page, ["bit"] = c.Bit })]);
                o["wrongPageNumbers"] = d.WrongPageNumbers;
                o["headerStatus"] = Json.CliJson.Name(d.HeaderStatus.ToString());
                o["hasTrailerPage"] = d.Trailer is not null;
                if (d.Header is { } h)
                {
                    o["state"] = Json.CliJson.Name(h.State.ToString());
                    o["logSignature"] = h.LogSignature.ShortHex;
                    o["requiredLogLow"] = h.GenMinRequired;
                    o["requiredLogHigh"] = h.GenMaxRequired;
                    o["formatVersion"] = h.FormatVersion;
                    o["formatRevision"] = h.FormatRevision;
                }
            }

            if (f.Log is { } l)
            {
                o["generation"] = l.Generation;
                o["logSignature"] = l.Header?.LogSignature.ShortHex;
                o["format"] = l.Header?.FormatVersionText;
                o["segmentsChecked"] = l.SegmentsChecked;
                o["checksumRecordsChecked"] = l.ChecksumRecordsChecked;
            }

            if (f.Checkpoint?.Header is { } c)
            {
                o["checkpoint"] = c.Checkpoint.ToString();
                o["generation"] = c.Checkpoint.Generation;
                o["logSignature"] = c.LogSignature.ShortHex;
            }

            o["problems"] = Problems(f.Problems);
            files.Add(o);
        }

        return new JsonObject
        {
            ["files"] = files,
            ["setProblems"] = Problems(report.SetProblems),
        };
    }

    /// <summary>Problems as the vocabulary's problem objects: path, severity (<c>error</c> or <c>warning</c>), cause, page, generation, offset.</summary>
    public static JsonArray Problems(IEnumerable<VerificationProblem> problems) =>
        new([.. problems.Select(p => (JsonNode)new JsonObject
        {
            ["path"] = p.Path,
            ["severity"] = p.IsWarning ? "warning" : "error",
            ["cause"] = p.Cause,
            ["page"] = p.Page,
            ["generation"] = p.Generation,
            ["offset"] = p.Offset,
        })]);

    private static string KindName(EseFileKind kind) => kind switch
    {
        EseFileKind.Database => "database",
        EseFileKind.Log => "log",
        EseFileKind.Checkpoint => "checkpoint",
        EseFileKind.Reserve => "reserve",
        EseFileKind.Temporary => "temporary",
        EseFileKind.FlushMap => "flushmap",
        _ => "other",
    };

    private static void WriteText(VerificationReport report, TextWriter w)
    {
        var ci = CultureInfo.InvariantCulture;
        w.WriteLine(string.Create(ci, $"Verifying {report.Files.Count} file(s)..."));
        foreach (var f in report.Files)
        {
            var label = f.Kind switch
            {
                EseFileKind.Database => "        Database",
                EseFileKind.Log => "        Log file",
                EseFileKind.Checkpoint => " Checkpoint File",
                EseFileKind.Reserve => "     Reserve log",
                EseFileKind.Temporary => "   Temporary log",
                EseFileKind.FlushMap => "       Flush map",
                _ => "  Not ESE (skip)",
            };
            var detail = f switch
            {
                { Database: { } d } => string.Create(ci, $" ({d.PagesSeen} pages seen, {d.BadPages.Count} bad checksums, {d.CorrectablePages.Count} correctable checksums, {d.UninitializedPages} uninitialized pages, {d.WrongPageNumbers} wrong page numbers; {d.PageSize}-byte pages{(d.Header is { } h ? ", " + Formats.Database.DatabaseStateText.ToEseutilText(h.State) : string.Empty)})"),
                { Log: { Header: not null } l } => string.Create(ci, $" (generation {l.Generation} (0x{l.Generation:X}), signature {l.Header!.LogSignature.ShortHex}, format {l.Header.FormatVersionText})"),
                { Checkpoint.Header: { } c } => string.Create(ci, $" (checkpoint {c.Checkpoint}, signature {c.LogSignature.ShortHex})"),
                _ => string.Empty,
            };
            // A file whose own checks pass but that fails a set check (e.g. a dirty database whose logs are missing) is incomplete, not corrupt.
            var ownOk = f.Database?.Ok ?? f.Log?.Ok ?? f.Checkpoint?.Ok ?? false;
            w.WriteLine($"{label}: {f.Path} - {(f.Ok ? "OK" : ownOk ? "INCOMPLETE" : "CORRUPT")}{detail}");
            foreach (var p in f.Problems)
            {
                w.WriteLine("    " + p);
            }
        }

        foreach (var p in report.SetProblems)
        {
            w.WriteLine("  " + p);
        }

        w.WriteLine(report.Ok ? "No damaged files were found." : "Damaged or missing files were found.");
    }
}
