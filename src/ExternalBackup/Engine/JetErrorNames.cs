namespace ExternalBackup.Engine;

/// <summary>Names of <see cref="JetError"/> codes as <c>esent.h</c> spells them.</summary>
public static class JetErrorNames
{
    /// <summary>
    /// The <c>esent.h</c> name of a code: <c>JET_errBackupInProgress</c>, <c>JET_wrnNyi</c>, or
    /// <c>JET_err(-1234)</c> for a code this library does not name.
    /// </summary>
    public static string EseName(JetError error)
    {
        if (!Enum.IsDefined(error))
        {
            return $"JET_err({(int)error})";
        }

        var name = error.ToString();
        return error switch
        {
            JetError.Success => "JET_errSuccess",
            JetError.BackupAbortByCaller => "errBackupAbortByCaller",
            _ when name.StartsWith("Wrn", StringComparison.Ordinal) => "JET_wrn" + name[3..],
            _ => "JET_err" + name,
        };
    }

    /// <summary>The <c>esent.h</c> name of a raw code.</summary>
    public static string EseName(int code) => EseName((JetError)code);
}
