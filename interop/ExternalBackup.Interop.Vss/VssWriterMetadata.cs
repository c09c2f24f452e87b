namespace ExternalBackup.Interop.Vss;

/// <summary>One writer as <c>IVssExamineWriterMetadata</c> describes it: its identity, its metadata document and its components (each carrying the writer's exclude files).</summary>
/// <param name="WriterId">The writer class id.</param>
/// <param name="InstanceId">The writer instance id.</param>
/// <param name="WriterName">The writer name.</param>
/// <param name="MetadataXml">The writer metadata document (<c>SaveAsXML</c>), which a restore needs.</param>
/// <param name="Components">Its components.</param>
public sealed record VssWriterMetadata(Guid WriterId, Guid InstanceId, string WriterName, string MetadataXml, IReadOnlyList<VssWriterComponent> Components);
