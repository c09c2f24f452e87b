namespace ExternalBackup.Formats.Database;

/// <summary>The result of locating a database header and its page size.</summary>
/// <param name="Header">The header of the copy used (primary unless only the shadow is valid); null when both are bad.</param>
/// <param name="PageSize">The page size found (0 when both copies are bad).</param>
/// <param name="Status">The state of the two copies.</param>
/// <param name="Cause">For a bad copy, why (checksum, magic, page size); null when both are valid.</param>
public sealed record DatabaseHeaderRead(DatabaseHeader? Header, int PageSize, HeaderCopyStatus Status, string? Cause)
{
    /// <summary>True when at least one copy is valid.</summary>
    public bool Found => Header is not null;
}
