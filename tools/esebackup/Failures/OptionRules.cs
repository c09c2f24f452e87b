using System.CommandLine;
using System.CommandLine.Parsing;

namespace ExternalBackup.Cli.Failures;

/// <summary>
/// Options that do not apply to the chosen command, source or destination: given anyway, they are refused (exit 2,
/// naming the option) instead of being silently ignored. One table for every command, checked before it runs.
/// </summary>
public static class OptionRules
{
    private static readonly string[] EngineOptions = ["--ese-library", "--log-path", "--base-name", "--page-size", "--database"];
    private static readonly string[] S3Options = ["--s3-endpoint", "--s3-region"];

    /// <summary>Why the options given to the command of <paramref name="parse"/> do not go together, or <see langword="null"/>.</summary>
    public static string? Check(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var given = new Given(parse);
        return parse.CommandResult.Command.Name switch
        {
            "backup" => Backup(given),
            "restore" => Restore(given),
            "list" => S3Only(given, given.Text("--from")),
            "verify" => S3Only(given, given.Texts("paths") is [var only] ? only : null),
            _ => null,
        };
    }

    private static string? Backup(Given g)
    {
        var snapshot = g.Has("--from-snapshot");
        var vss = g.Has("--vss");
        var streaming = !snapshot && (!vss || g.Has("--fallback"));
        if (snapshot && vss)
        {
            return "--vss does not apply with --from-snapshot (two sources: give one)";
        }

        foreach (var option in new[] { "--log-folder", "--instance-name" })
        {
            if (g.Has(option) && !snapshot)
            {
                return $"{option} applies only with --from-snapshot (the engine and VSS name their instance and logs themselves)";
            }
        }

        if (g.Has("--fallback") && !vss)
        {
            return "--fallback applies only with --vss";
        }

        if (!streaming)
        {
            var source = snapshot ? "--from-snapshot" : "--vss without --fallback streaming";
            foreach (var option in new[] { "--engine", "--instance", "--verify-stream" }.Concat(EngineOptions))
            {
                if (g.Has(option))
                {
                    return $"{option} does not apply to {source} (it reads the files itself and verifies every page and log)";
                }
            }
        }

        if (vss && g.Has("--set-id"))
        {
            return "--set-id does not apply to --vss (the set is named by its start time and kind)";
        }

        if (streaming && g.Text("--engine") != "native")
        {
            foreach (var option in EngineOptions)
            {
                if (g.Has(option))
                {
                    return $"{option} applies only with --engine native";
                }
            }
        }

        if (g.Has("--allow-orphan") && g.Text("--kind") is "full" or "copy" or null)
        {
            return "--allow-orphan applies only to --kind incremental or differential (a full or copy set extends nothing)";
        }

        var to = g.Text("--to");
        if (g.Has("--create-destination") && to is not null && (to.StartsWith("s3://", StringComparison.OrdinalIgnoreCase) || to.StartsWith("tar:", StringComparison.Ordinal)))
        {
            return $"--create-destination applies only to a folder destination, not to {to}";
        }

        return S3Only(g, to);
    }

    private static string? Restore(Given g)
    {
        if (g.Has("--verify-only") && g.Has("--to"))
        {
            return "--to does not apply to --verify-only (nothing is restored)";
        }

        return S3Only(g, g.Text("--from"));
    }

    private static string? S3Only(Given g, string? address)
    {
        if (address is not null && address.StartsWith("s3://", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        foreach (var option in S3Options)
        {
            if (g.Has(option))
            {
                return $"{option} applies only to an s3://bucket/prefix destination{(address is null ? string.Empty : $", not to {address}")}";
            }
        }

        return null;
    }

    /// <summary>The options and arguments given on the command line (not filled in by a default).</summary>
    private sealed class Given(ParseResult parse)
    {
        private readonly HashSet<string> _names = [.. parse.CommandResult.Children.OfType<OptionResult>().Where(o => !o.Implicit).Select(o => o.Option.Name)];

        public bool Has(string option) => _names.Contains(option);

        public string? Text(string option) =>
            parse.CommandResult.Command.Options.FirstOrDefault(o => o.Name == option) is Option<string> typed ? parse.GetValue(typed) : null;

        public string[]? Texts(string argument) =>
            parse.CommandResult.Command.Arguments.FirstOrDefault(a => a.Name == argument) is Argument<string[]> typed ? parse.GetValue(typed) : null;
    }
}
