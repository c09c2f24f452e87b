namespace ExternalBackup.Snapshots;

/// <summary>
/// A document a restore of a snapshot backup needs, stored in the set under <c>documents/</c> (kind other): VSS's
/// Backup Components Document and each selected writer's metadata document.
/// </summary>
/// <param name="Name">Its file name inside <c>documents/</c> (e.g. <c>backup-components.xml</c>).</param>
/// <param name="Origin">Where it came from, recorded as the manifest's <c>sourcePath</c> (e.g. <c>vss:SaveAsXML</c>).</param>
/// <param name="Content">Its bytes as stored (VSS: the XML in UTF-16LE with a byte order mark, as the BSTR held it).</param>
public sealed record SnapshotDocument(string Name, string Origin, ReadOnlyMemory<byte> Content);
