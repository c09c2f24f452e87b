namespace ExternalBackup.Testing.EngineModel;

/// <summary>
/// How <see cref="EngineFaults.DamagePage"/> damages a database page as it is read, and what the engine's page
/// validation (<c>CPAGE::ErrValidatePage</c>, ese-backup-api.md §5.6) then does with it.
/// </summary>
public enum PageDamage
{
    /// <summary>A dword of the page is changed: the checksum fails, <c>JET_errReadVerifyFailure</c> (-1018).</summary>
    Checksum,

    /// <summary>
    /// One bit of the page is flipped. On an ECC-format page the engine corrects it (<c>pgvfFixErrors</c>) and the
    /// read delivers the corrected page and goes on; a legacy XOR-format page has no ECC and fails with
    /// <c>JET_errReadVerifyFailure</c>.
    /// </summary>
    SingleBit,

    /// <summary>The page holds another page's data (its checksum is valid for page number + 1): <c>JET_errReadPgnoVerifyFailure</c> (-1118).</summary>
    WrongPageNumber,

    /// <summary>
    /// The page's last write was lost (the flush map says it is newer than what is on disk): the engine's lost-flush
    /// check gives <c>JET_errReadLostFlushVerifyFailure</c> (-1119). The model has no flush map, so only this
    /// injected damage produces it.
    /// </summary>
    LostFlush,
}
