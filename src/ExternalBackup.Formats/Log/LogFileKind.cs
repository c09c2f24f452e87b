namespace ExternalBackup.Formats.Log;

/// <summary>What a file in a log folder is, judged by its name.</summary>
public enum LogFileKind
{
    /// <summary>An archived generation <c>&lt;base&gt;&lt;gen hex&gt;.log</c> (or .jtx).</summary>
    Archived,

    /// <summary>The current log <c>&lt;base&gt;.log</c> (or .jtx); its generation is in its header.</summary>
    Current,

    /// <summary>The pre-created next log <c>&lt;base&gt;tmp.log</c>: not part of the sequence.</summary>
    Temporary,

    /// <summary>A reserve log (<c>&lt;base&gt;res00001.jrs</c>, or pre-Vista <c>res1.log</c>/<c>res2.log</c>): no header.</summary>
    Reserve,

    /// <summary>A checkpoint (<c>&lt;base&gt;.chk</c> or .jcp).</summary>
    Checkpoint,
}
