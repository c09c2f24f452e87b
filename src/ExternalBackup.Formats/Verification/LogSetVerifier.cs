using ExternalBackup.Formats.Database;
using ExternalBackup.Formats.Log;
using ExternalBackup.Formats.Primitives;

namespace ExternalBackup.Formats.Verification;

/// <summary>
/// Checks verified files as a set, as eseutil /ml on a log base and restore do: per folder and log base, contiguous
/// generations (archived names agree with header generations), one log signature (logs with another are foreign),
/// the previous-generation time chain, the accumulated segment checksum chain (v8), the checkpoint's signature and
/// generation, and for every database: a dirty database's required generations present with its log signature.
/// Pure: works on results already computed.
/// </summary>
public static class LogSetVerifier
{
    /// <summary>Runs the set checks; returns the set findings (each names the file or folder concerned).</summary>
    public static IReadOnlyList<VerificationProblem> Check(IReadOnlyList<FileVerification> files)
    {
        var problems = new List<VerificationProblem>();
        var sets = new List<(string Folder, string Base, Signature? Signature, HashSet<int> Generations)>();
        var logs = files.Where(f => f.Kind == EseFileKind.Log && f.Log?.Header is not null).ToList();
        var checkpoints = files.Where(f => f.Kind == EseFileKind.Checkpoint && f.Checkpoint?.Header is not null).ToList();

        foreach (var group in logs.GroupBy(f => (Folder: Path.GetDirectoryName(f.Path) ?? string.Empty, Base: BaseOf(f.Path))))
        {
            var members = group.OrderBy(f => f.Log!.Generation).ThenBy(f => f.Path, StringComparer.Ordinal).ToList();
            var checkpoint = checkpoints.FirstOrDefault(c =>
                string.Equals(Path.GetDirectoryName(c.Path), group.Key.Folder, StringComparison.Ordinal)
                && string.Equals(BaseOf(c.Path), group.Key.Base, StringComparison.OrdinalIgnoreCase));

            // The set's signature: the checkpoint's, else the most common among the logs.
            var signature = checkpoint?.Checkpoint?.Header?.LogSignature
                ?? members.GroupBy(m => m.Log!.Header!.LogSignature).OrderByDescending(g => g.Count()).First().Key;
            var inSet = new List<FileVerification>();
            foreach (var m in members)
            {
                var h = m.Log!.Header!;
                if (!h.LogSignature.Matches(signature))
                {
                    problems.Add(new VerificationProblem(m.Path,
                        $"foreign log: log signature {h.LogSignature.ShortHex} ({h.LogSignature}) differs from the set's {signature.ShortHex}",
                        Generation: h.Generation, Offset: 44));
                    continue;
                }

                if (LogFileName.TryParse(m.Path) is { Kind: LogFileKind.Archived, Generation: { } named } && named != h.Generation)
                {
                    problems.Add(new VerificationProblem(m.Path, $"mismatched log generation {h.Generation} (0x{h.Generation:X}) with log file name (generation {named})",
                        Generation: h.Generation, Offset: 4));
                }

                inSet.Add(m);
            }

            var gens = new HashSet<int>(inSet.Select(m => m.Log!.Generation));
            for (var i = 1; i < inSet.Count; i++)
            {
                var prev = inSet[i - 1].Log!;
                var cur = inSet[i].Log!;
                if (cur.Generation == prev.Generation)
                {
                    problems.Add(new VerificationProblem(inSet[i].Path, $"generation {cur.Generation} appears twice (also {inSet[i - 1].Path})", Generation: cur.Generation));
                    continue;
                }

                if (cur.Generation != prev.Generation + 1)
                {
                    problems.Add(new VerificationProblem(group.Key.Folder,
                        $"missing log file(s): {group.Key.Base}{{{prev.Generation + 1} - {cur.Generation - 1}}} (0x{prev.Generation + 1:X} - 0x{cur.Generation - 1:X})",
                        Generation: prev.Generation + 1));
                    continue;
                }

                if (cur.Header!.PreviousGenerationTime != prev.Header!.CreateTime)
                {
                    problems.Add(new VerificationProblem(inSet[i].Path,
                        $"invalid log sequence: previous generation time is [{cur.Header.PreviousGenerationTime}], but expected [{prev.Header.CreateTime}] (creation time of generation {prev.Generation})",
                        Generation: cur.Generation, Offset: 24));
                }

                if (cur.Header.IsSegmentFormat && cur.Header.PreviousLogSegmentChecksum != 0 && prev.AccumulatedSegmentChecksum != 0
                    && cur.Header.PreviousLogSegmentChecksum != prev.AccumulatedSegmentChecksum)
                {
                    problems.Add(new VerificationProblem(inSet[i].Path,
                        $"log sequence checksum mismatch: header records 0x{cur.Header.PreviousLogSegmentChecksum:x16} for generation {prev.Generation}, which accumulates to 0x{prev.AccumulatedSegmentChecksum:x16}",
                        Generation: cur.Generation, Offset: 653));
                }
            }

            if (checkpoint?.Checkpoint?.Header is { } cp && gens.Count > 0)
            {
                var gen = cp.Checkpoint.Generation;
                if (gen < gens.Min() || gen > gens.Max())
                {
                    problems.Add(new VerificationProblem(checkpoint.Path,
                        $"checkpoint generation {gen} is outside the logs present ({gens.Min()}..{gens.Max()}): soft recovery would miss a log",
                        Generation: gen, Offset: 12));
                }
            }

            sets.Add((group.Key.Folder, group.Key.Base, signature, gens));
        }

        // Checkpoints without logs of the same base and folder, or with another signature.
        foreach (var c in checkpoints)
        {
            var cp = c.Checkpoint!.Header!;
            var set = sets.FirstOrDefault(s => string.Equals(s.Folder, Path.GetDirectoryName(c.Path), StringComparison.Ordinal)
                && string.Equals(s.Base, BaseOf(c.Path), StringComparison.OrdinalIgnoreCase));
            if (set.Signature is { } sig && !sig.Matches(cp.LogSignature))
            {
                problems.Add(new VerificationProblem(c.Path, $"checkpoint log signature {cp.LogSignature.ShortHex} differs from the logs' {sig.ShortHex}", Offset: 20));
            }
        }

        foreach (var db in files.Where(f => f.Kind == EseFileKind.Database && f.Database?.Header is not null))
        {
            var h = db.Database!.Header!;
            var matching = sets.Where(s => s.Signature is { } sig && sig.Matches(h.LogSignature)).ToList();
            var needsLogs = h.State is DatabaseState.DirtyShutdown or DatabaseState.DirtyAndPatchedShutdown || h.NeedsTrailerPatch;
            if (!needsLogs)
            {
                continue;
            }

            var min = h.GenMinRequired;
            var max = Math.Max(h.GenMaxRequired, min);
            if (db.Database.Trailer is { } trailer && trailer.Backup.GenHigh != 0)
            {
                min = (int)Math.Min((uint)min == 0 ? trailer.Backup.GenLow : (uint)min, trailer.Backup.GenLow);
                max = Math.Max(max, (int)trailer.Backup.GenHigh);
            }

            if (min <= 0)
            {
                continue;
            }

            var present = new HashSet<int>(matching.SelectMany(s => s.Generations));
            var missing = Enumerable.Range(min, max - min + 1).Where(g => !present.Contains(g)).ToList();
            if (missing.Count > 0)
            {
                var where = matching.Count == 0
                    ? $"no logs with log signature {h.LogSignature.ShortHex} were given"
                    : $"logs with signature {h.LogSignature.ShortHex} hold generations {present.Min()}..{present.Max()}";
                problems.Add(new VerificationProblem(db.Path,
                    $"database is in {h.State.ToEseutilText()} and needs log generation(s) {min}..{max} (0x{min:X}-0x{max:X}); missing {missing[0]}{(missing.Count > 1 ? $"..{missing[^1]} ({missing.Count} files)" : string.Empty)}: {where}",
                    Generation: missing[0], Offset: 296));
            }
        }

        return problems;
    }

    private static string BaseOf(string path) => LogFileName.TryParse(path)?.BaseName ?? Path.GetFileNameWithoutExtension(path);
}
