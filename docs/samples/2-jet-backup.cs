using ExternalBackup.Engine;
using ExternalBackup.Facade;

namespace BackupAgent;

public static class JetStyleBackup
{
    // The C-style contract: the exact JET_ERR; a failed backup leaves the folder as it was.
    public static JetError Run(IExternalBackupEngine engine, string destination, Action<string> report)
    {
        JetError Status(JetSnp snp, JetSnt snt, JetSnProg progress)
        {
            report($"{snp} {snt} {progress.UnitsDone}/{progress.UnitsTotal}");
            return JetError.Success;
        }

        return JetBackup.Backup(engine, destination, BackupGrbits.None, Status);
    }
}
