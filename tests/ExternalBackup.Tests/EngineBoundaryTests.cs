using ExternalBackup.Engine;

namespace ExternalBackup.Tests;

public class EngineBoundaryTests
{
    [TestCase(JetError.BackupInProgress, -505, "JET_errBackupInProgress")]
    [TestCase(JetError.LogFileNotCopied, -616, "JET_errLogFileNotCopied")]
    [TestCase(JetError.ReadVerifyFailure, -1018, "JET_errReadVerifyFailure")]
    [TestCase(JetError.WrnTargetInstanceRunning, 578, "JET_wrnTargetInstanceRunning")]
    [TestCase(JetError.BackupAbortByCaller, -800, "errBackupAbortByCaller")]
    public void Codes_have_esent_h_values_and_names(JetError error, int code, string name)
    {
        Assert.That((int)error, Is.EqualTo(code));
        Assert.That(JetErrorNames.EseName(error), Is.EqualTo(name));
    }

    [Test]
    public void Exception_names_call_code_and_detail()
    {
        var e = new EseException("JetOpenFileInstance", JetError.MissingFileToBackup, @"C:\logs\edb00001.log");
        Assert.That(e.Code, Is.EqualTo(-569));
        Assert.That(e.Call, Is.EqualTo("JetOpenFileInstance"));
        Assert.That(e.Message, Does.Contain("JET_errMissingFileToBackup").And.Contain("-569").And.Contain("edb00001.log"));
    }
}
