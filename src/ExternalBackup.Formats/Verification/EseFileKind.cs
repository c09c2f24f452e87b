namespace ExternalBackup.Formats.Verification;

/// <summary>What a verified file is.</summary>
public enum EseFileKind
{
    /// <summary>A database (.edb, .dit, .dat, .mdb, .sdb, ... or any file with a database header).</summary>
    Database,

    /// <summary>A transaction log with a header.</summary>
    Log,

    /// <summary>A checkpoint file.</summary>
    Checkpoint,

    /// <summary>A reserve log (<c>edbres00001.jrs</c>, <c>res1.log</c>): pre-sized, no header.</summary>
    Reserve,

    /// <summary>The pre-created next log (<c>edbtmp.log</c>): not part of the sequence.</summary>
    Temporary,

    /// <summary>A flush map (.jfm).</summary>
    FlushMap,

    /// <summary>Not an ESE file (found while walking a folder); not checked.</summary>
    Other,
}
