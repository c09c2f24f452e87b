namespace ExternalBackup.Testing.EngineModel;

/// <summary>What the live workload (<see cref="LiveWorkload"/>) did so far in this model.</summary>
/// <param name="Steps">Steps run.</param>
/// <param name="PagesWritten">Database pages rewritten.</param>
/// <param name="LogRolls">Log generations the workload rolled (the backup's own roll not counted).</param>
public readonly record struct WorkloadActivity(int Steps, long PagesWritten, int LogRolls);
