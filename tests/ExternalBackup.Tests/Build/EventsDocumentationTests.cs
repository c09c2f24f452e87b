using System.Reflection;
using System.Text.RegularExpressions;
using ExternalBackup.Tests.Common;
using Microsoft.Extensions.Logging;

namespace ExternalBackup.Tests.Build;

/// <summary>docs/events.md cannot drift: every step event the libraries declare is in its table with the same id, name, level and fields, and the table lists nothing else.</summary>
public sealed partial class EventsDocumentationTests
{
    private static readonly Assembly[] Libraries =
    [
        typeof(global::ExternalBackup.Pipeline.StreamingBackup).Assembly,
        typeof(global::ExternalBackup.Sinks.S3.S3Sink).Assembly,
        typeof(global::ExternalBackup.Formats.Files.EseFileVerifier).Assembly,
        typeof(global::ExternalBackup.Testing.EngineModel.EngineModel).Assembly,
    ];

    [Test]
    public void EveryDeclaredEventIsDocumentedWithItsIdNameLevelAndFields()
    {
        var declared = DeclaredEvents();
        var documented = DocumentedEvents();

        Assert.That(declared, Is.Not.Empty, "the libraries declare their step events with [LoggerMessage]");
        Assert.Multiple(() =>
        {
            Assert.That(declared.GroupBy(e => e.Id).Where(g => g.Count() > 1).Select(g => g.Key), Is.Empty, "an event id is declared twice");
            Assert.That(declared.GroupBy(e => e.Name).Where(g => g.Count() > 1).Select(g => g.Key), Is.Empty, "an event name is declared twice");
            foreach (var e in declared)
            {
                Assert.That(documented, Does.Contain(e), $"event {e.Id} ({e.Where}) is not in docs/events.md as '| {e.Id} | {e.Name} | {e.Level} | {e.Fields} |'");
            }

            foreach (var row in documented)
            {
                Assert.That(declared, Does.Contain(row), $"docs/events.md lists event {row.Id} {row.Name}, which no library declares so");
            }

            foreach (var e in declared)
            {
                Assert.That(Ranges(), Does.Contain(e.Id / 100), $"event {e.Id} is in no range docs/events.md lists");
            }
        });
    }

    private static List<Event> DeclaredEvents()
    {
        var events = new List<Event>();
        foreach (var type in Libraries.SelectMany(a => a.GetTypes()))
        {
            foreach (var method in type.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (method.GetCustomAttribute<LoggerMessageAttribute>() is { } a)
                {
                    Assert.That(a.EventName, Is.Not.Null.And.Not.Empty, $"{type.Name}.{method.Name} has no EventName");
                    var fields = string.Join(", ", Placeholder().Matches(a.Message ?? string.Empty).Select(m => m.Groups[1].Value));
                    events.Add(new Event(a.EventId, a.EventName!, a.Level.ToString(), fields) { Where = $"{type.Name}.{method.Name}" });
                }
            }

            // Ids kept as EventId fields count too: each must be documented like a [LoggerMessage] method.
            foreach (var field in type.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly).Where(f => f.FieldType == typeof(EventId)))
            {
                var id = (EventId)field.GetValue(null)!;
                events.Add(new Event(id.Id, id.Name ?? string.Empty, "(field)", "(field)") { Where = $"{type.Name}.{field.Name}" });
            }
        }

        return events;
    }

    private static List<Event> DocumentedEvents() =>
        [.. Row().Matches(Documentation()).Select(m => new Event(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups[2].Value, m.Groups[3].Value, m.Groups[4].Value.Trim()))];

    private static HashSet<int> Ranges() =>
        [.. RangeRow().Matches(Documentation()).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))];

    private static string Documentation() => File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "docs", "events.md"));

    [GeneratedRegex(@"\{(\w+)\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^\| (\d{4}) \| (\w+) \| (\w+) \|([^|]*)\|", RegexOptions.Multiline)]
    private static partial Regex Row();

    [GeneratedRegex(@"^\| (\d\d)xx \|", RegexOptions.Multiline)]
    private static partial Regex RangeRow();

    /// <summary>One event as declared or documented; <see cref="Where"/> (declaring method) is not compared.</summary>
    private sealed record Event(int Id, string Name, string Level, string Fields)
    {
        public string Where { get; init; } = string.Empty;

        public bool Equals(Event? other) => other is not null && Id == other.Id && Name == other.Name && Level == other.Level && Fields == other.Fields;

        public override int GetHashCode() => HashCode.Combine(Id, Name, Level, Fields);
    }
}
